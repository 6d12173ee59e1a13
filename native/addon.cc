// N-API glue only: argument checks, error objects and exports. The platform
// files answer; src/ decides.
#include <napi.h>

#include <cmath>

#include "platform.h"
#include "wake.h"

namespace {

using pidlock::SysError;

// Errors shaped like Node's fs errors, so callers handle both backends alike.
Napi::Error SysErrorToJs(Napi::Env env, const SysError& err, const std::string& path) {
  const char* code = pidlock::ErrorCode(err.code);
  std::string msg = std::string(code) + ": " + err.syscall + " '" + path + "'";
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, code));
  e.Set("errno", Napi::Number::New(env, pidlock::ErrorNumber(err.code)));
  e.Set("syscall", Napi::String::New(env, err.syscall));
  e.Set("path", Napi::String::New(env, path));
  return e;
}

// The TypeScript layer validates; this guards the addon if it is called directly.
uint32_t PidArg(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), "pid must be a number");
  }
  double pid = info[0].As<Napi::Number>().DoubleValue();
  if (!(pid >= 1 && pid <= 4294967295.0) || std::floor(pid) != pid) {
    throw Napi::RangeError::New(info.Env(), "pid must be an integer in 1..4294967295");
  }
  return static_cast<uint32_t>(pid);
}

std::string StringArg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || !info[i].IsString()) {
    throw Napi::TypeError::New(info.Env(), "expected a string argument");
  }
  return info[i].As<Napi::String>().Utf8Value();
}

Napi::Value IsProcessAlive(const Napi::CallbackInfo& info) {
  switch (pidlock::ProcessAlive(PidArg(info))) {
    case pidlock::Liveness::kAlive:
      return Napi::Boolean::New(info.Env(), true);
    case pidlock::Liveness::kDead:
      return Napi::Boolean::New(info.Env(), false);
    default:
      return info.Env().Null();
  }
}

Napi::Value GetProcessStartTime(const Napi::CallbackInfo& info) {
  double ms = pidlock::ProcessStartMs(PidArg(info));
  if (ms < 0) return info.Env().Null();
  return Napi::Number::New(info.Env(), ms);
}

Napi::Value Publish(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = StringArg(info, 0);
  std::string tmp = StringArg(info, 1);
  std::string content = StringArg(info, 2);
  pidlock::Held held;
  SysError err;
  if (!pidlock::Publish(path, tmp, content, &held, &err)) throw SysErrorToJs(env, err, path);
  Napi::Object out = Napi::Object::New(env);
  out.Set("handle", Napi::Number::New(env, static_cast<double>(held.handle)));
  out.Set("dev", Napi::BigInt::New(env, held.dev));
  out.Set("ino", Napi::BigInt::New(env, held.ino));
  return out;
}

Napi::Value Inspect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = StringArg(info, 0);
  pidlock::FileState st;
  SysError err;
  int found = pidlock::Inspect(path, &st, &err);
  if (found < 0) throw SysErrorToJs(env, err, path);
  if (found == 0) return env.Null();
  static const char* kTypes[] = {"file", "dir", "other"};
  Napi::Object out = Napi::Object::New(env);
  out.Set("type", Napi::String::New(env, kTypes[st.type]));
  out.Set("dev", Napi::BigInt::New(env, st.dev));
  out.Set("ino", Napi::BigInt::New(env, st.ino));
  out.Set("size", Napi::Number::New(env, static_cast<double>(st.size)));
  out.Set("mtimeNs", Napi::BigInt::New(env, static_cast<int64_t>(st.mtime_sec * 1000000000LL + st.mtime_nsec)));
  out.Set("ctimeNs", Napi::BigInt::New(env, static_cast<int64_t>(st.ctime_sec * 1000000000LL + st.ctime_nsec)));
  out.Set("head", Napi::Buffer<char>::Copy(env, st.head, st.head_len));
  out.Set("kernelHeld", st.kernel_held < 0 ? env.Null() : Napi::Boolean::New(env, st.kernel_held == 1));
  return out;
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "handle must be a number");
  pidlock::Close(static_cast<int64_t>(info[0].As<Napi::Number>().DoubleValue()));
  return info.Env().Undefined();
}

// --- Waking waiters (native/wake.h). Watches travel to JS as plain numbers,
// like publish()'s handle; an armed exit watch as an External that owns its state.

int64_t WatchArg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || !info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), "watch must be a number");
  return static_cast<int64_t>(info[i].As<Napi::Number>().DoubleValue());
}

// A number, false when the process is already gone, null when it cannot be watched.
Napi::Value WatchExit(const Napi::CallbackInfo& info) {
  int64_t w = pidlock::kNoWatch;
  int rc = pidlock::OpenExitWatch(PidArg(info), &w);
  if (rc == 0) return Napi::Boolean::New(info.Env(), false);
  if (rc < 0) return info.Env().Null();
  return Napi::Number::New(info.Env(), static_cast<double>(w));
}

Napi::Value WatchDir(const Napi::CallbackInfo& info) {
  int64_t w = pidlock::kNoWatch;
  if (pidlock::OpenDirWatch(StringArg(info, 0), &w) < 0) return info.Env().Null();
  return Napi::Number::New(info.Env(), static_cast<double>(w));
}

Napi::Value CloseExitWatch(const Napi::CallbackInfo& info) {
  pidlock::CloseExitWatch(WatchArg(info, 0));
  return info.Env().Undefined();
}

Napi::Value CloseDirWatch(const Napi::CallbackInfo& info) {
  pidlock::CloseDirWatch(WatchArg(info, 0));
  return info.Env().Undefined();
}

// (exitWatch | -1, dirWatch | -1, name, ms) -> 'exit' | 'dir' | 'timeout'; blocks the thread.
Napi::Value WaitWatches(const Napi::CallbackInfo& info) {
  double ms = info.Length() > 3 && info[3].IsNumber() ? info[3].As<Napi::Number>().DoubleValue() : 0;
  if (!(ms >= 0)) ms = 0;
  if (ms > 2147483647.0) ms = 2147483647.0;
  pidlock::Woken w = pidlock::WaitWatches(WatchArg(info, 0), WatchArg(info, 1), StringArg(info, 2), static_cast<int>(std::ceil(ms)));
  const char* what = w == pidlock::Woken::kExit ? "exit" : w == pidlock::Woken::kDir ? "dir" : "timeout";
  return Napi::String::New(info.Env(), what);
}

struct Armed {
  Napi::ThreadSafeFunction tsfn;
  pidlock::ExitWait* wait = nullptr;
  bool released = false;

  void Disarm() {
    if (released) return;
    released = true;
    pidlock::CancelExitWait(wait);
    wait = nullptr;
    tsfn.Release();
  }
};

void FireArmed(void* arg) { static_cast<Armed*>(arg)->tsfn.NonBlockingCall(); }

// (exitWatch, callback) -> token: callback runs once on this thread when the
// process exits, unless disarmExitWatch(token) came first. Does not keep the
// event loop alive: the caller's timer does.
Napi::Value ArmExitWatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t w = WatchArg(info, 0);
  if (info.Length() < 2 || !info[1].IsFunction()) throw Napi::TypeError::New(env, "callback must be a function");
  auto* armed = new Armed();
  armed->tsfn = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "pidlock-exit-watch", 0, 1);
  armed->tsfn.Unref(env);
  armed->wait = pidlock::StartExitWait(w, FireArmed, armed);
  if (armed->wait == nullptr) {
    armed->Disarm();
    delete armed;
    return env.Null();
  }
  return Napi::External<Armed>::New(env, armed, [](Napi::Env, Armed* a) {
    a->Disarm();
    delete a;
  });
}

Napi::Value DisarmExitWatch(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "expected an armed watch");
  info[0].As<Napi::External<Armed>>().Data()->Disarm();
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("isProcessAlive", Napi::Function::New(env, IsProcessAlive));
  exports.Set("getProcessStartTime", Napi::Function::New(env, GetProcessStartTime));
  exports.Set("publish", Napi::Function::New(env, Publish));
  exports.Set("inspect", Napi::Function::New(env, Inspect));
  exports.Set("close", Napi::Function::New(env, Close));
  exports.Set("watchExit", Napi::Function::New(env, WatchExit));
  exports.Set("watchDir", Napi::Function::New(env, WatchDir));
  exports.Set("closeExitWatch", Napi::Function::New(env, CloseExitWatch));
  exports.Set("closeDirWatch", Napi::Function::New(env, CloseDirWatch));
  exports.Set("waitWatches", Napi::Function::New(env, WaitWatches));
  exports.Set("armExitWatch", Napi::Function::New(env, ArmExitWatch));
  exports.Set("disarmExitWatch", Napi::Function::New(env, DisarmExitWatch));
  return exports;
}

}  // namespace

NODE_API_MODULE(pidlock, Init)
