// N-API glue only: argument checks, error objects and exports. The platform
// files answer; src/ decides.
#include <napi.h>

#include <cmath>

#include "platform.h"

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

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // How much of a lock file Inspect reads; src/lockfile.ts MAX_CONTENT must agree.
  exports.Set("headBytes", Napi::Number::New(env, static_cast<double>(pidlock::kHeadBytes)));
  exports.Set("isProcessAlive", Napi::Function::New(env, IsProcessAlive));
  exports.Set("getProcessStartTime", Napi::Function::New(env, GetProcessStartTime));
  exports.Set("publish", Napi::Function::New(env, Publish));
  exports.Set("inspect", Napi::Function::New(env, Inspect));
  exports.Set("close", Napi::Function::New(env, Close));
  return exports;
}

}  // namespace

NODE_API_MODULE(pidlock, Init)
