// N-API glue only: argument checks, error objects and exports. The platform
// files answer; src/ decides.
//
// Built with NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS (binding.gyp): a worker that
// is being terminated can still be running JS that calls in here, while its
// environment refuses new JS exceptions. node-addon-api would then rethrow the
// refused error as a C++ exception out of its own catch, through Node's frames,
// and end the whole process (seen under Wine: exit 0x20474343, an uncaught GCC
// exception, when worker.terminate() hit a worker in acquireSync()).
#include <napi.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>
#include <utility>

#include "platform.h"
#include "wake.h"

namespace {

using pidlock::SysError;

// The platform's raw error number; src/backend/syserror.ts gives it the code
// and errno Node's own fs errors would have.
Napi::Error SysErrorToJs(Napi::Env env, const SysError& err, const std::string& path) {
  Napi::Error e = Napi::Error::New(env, std::string(err.syscall) + " '" + path + "'");
  e.Set("sysErrno", Napi::Number::New(env, static_cast<double>(err.code)));
  e.Set("syscall", Napi::String::New(env, err.syscall));
  e.Set("path", Napi::String::New(env, path));
  return e;
}

// src/pid.ts validates the PID range; this only keeps a direct call from
// truncating a number into another PID.
uint32_t PidArg(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), "pid must be a number");
  }
  double pid = info[0].As<Napi::Number>().DoubleValue();
  if (!(pid >= 1 && pid <= std::numeric_limits<uint32_t>::max()) || std::floor(pid) != pid) {
    throw Napi::RangeError::New(info.Env(), "pid must be an integer that fits in 32 bits");
  }
  return static_cast<uint32_t>(pid);
}

std::string StringArg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || !info[i].IsString()) {
    throw Napi::TypeError::New(info.Env(), "expected a string argument");
  }
  return info[i].As<Napi::String>().Utf8Value();
}

// Writes [alive, start ms] into the caller's Float64Array, so judging an owner
// allocates nothing here; NaN stands for "cannot tell" in either slot.
// src/backend/native.ts reads it.
Napi::Value Probe(const Napi::CallbackInfo& info) {
  pidlock::ProcessInfo p = pidlock::ProbeProcess(PidArg(info));
  if (info.Length() < 2 || !info[1].IsTypedArray() ||
      info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
      info[1].As<Napi::TypedArray>().ElementLength() < 2) {
    throw Napi::TypeError::New(info.Env(), "probe needs a Float64Array of 2 for its answer");
  }
  Napi::Float64Array out = info[1].As<Napi::Float64Array>();
  const double unknown = std::numeric_limits<double>::quiet_NaN();
  out[0] = p.alive.has_value() ? (*p.alive ? 1 : 0) : unknown;
  out[1] = p.start_ms.value_or(unknown);
  return info.Env().Undefined();
}

// What one Node environment (the main thread, or one worker) holds: a worker
// that is terminated runs no JS, so its locks are released here, when its
// environment is torn down, instead of staying wedged for the process's life.
struct EnvLocks {
  struct Entry {
    std::string path;
    pidlock::Held held;
  };
  std::unordered_map<int64_t, Entry> held;

  static void Teardown(EnvLocks* self) {
    for (auto& kv : self->held) {
      pidlock::Removed how;
      SysError err;
      if (!pidlock::Remove(kv.second.path, kv.second.held, &how, &err)) pidlock::Close(kv.first);
    }
    delete self;
  }
};

EnvLocks* Locks(const Napi::CallbackInfo& info) { return static_cast<EnvLocks*>(info.Data()); }

// The memory of the caller's typed array (of `type`, at least `n` elements)
// that an answer is written into, so that the lock's hot paths allocate nothing
// here; one napi_get_typedarray_info call checks it and finds its data.
void* ArrayArg(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type type, size_t n) {
  napi_typedarray_type got;
  size_t length = 0;
  void* data = nullptr;
  if (info.Length() <= i ||
      napi_get_typedarray_info(info.Env(), info[i], &got, &length, &data, nullptr, nullptr) != napi_ok || got != type ||
      length < n) {
    throw Napi::TypeError::New(info.Env(), "expected a typed array of the answer's type and size");
  }
  return data;
}

// 64-bit answers: each slot is read in JS as the same 64 bits (times through a BigInt64Array view).
uint64_t* WordsArg(const Napi::CallbackInfo& info, size_t i, size_t n) {
  return static_cast<uint64_t*>(ArrayArg(info, i, napi_biguint64_array, n));
}

// (path, tmp, content, ids) -> handle, with [dev, ino] written into ids; null
// when this filesystem needs a temp name and tmp was '' (call again with one).
Napi::Value Publish(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = StringArg(info, 0);
  std::string tmp = StringArg(info, 1);
  std::string content = StringArg(info, 2);
  uint64_t* ids = WordsArg(info, 3, 2);
  pidlock::Held held;
  SysError err;
  if (!pidlock::Publish(path, tmp, content, &held, &err)) {
    if (err.code == pidlock::kNeedsTempName) return env.Null();
    throw SysErrorToJs(env, err, path);
  }
  Locks(info)->held[held.handle] = {path, held};
  ids[0] = held.dev;
  ids[1] = held.ino;
  return Napi::Number::New(env, static_cast<double>(held.handle));
}

// Looks a handle up among this environment's locks; JS never hands us another's.
EnvLocks::Entry* HeldArg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || !info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), "handle must be a number");
  auto it = Locks(info)->held.find(static_cast<int64_t>(info[i].As<Napi::Number>().DoubleValue()));
  if (it == Locks(info)->held.end()) throw Napi::Error::New(info.Env(), "handle is not a lock held here");
  return &it->second;
}

// Identity check, unlink and close in one call; a throw leaves the lock held.
Napi::Value Remove(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = StringArg(info, 0);
  EnvLocks::Entry* entry = HeldArg(info, 1);
  pidlock::Removed how;
  SysError err;
  if (!pidlock::Remove(path, entry->held, &how, &err)) throw SysErrorToJs(env, err, path);
  Locks(info)->held.erase(entry->held.handle);
  static const char* kHow[] = {"removed", "replaced", "vanished"};
  return Napi::String::New(env, kHow[static_cast<int>(how)]);
}

// (path, words, head) -> -1 when there is no such file; else type (0 file,
// 1 dir, 2 other) | kernel lock (0 free, 1 held, 2 cannot tell) << 2 | bytes
// read << 4, with [dev, ino, size, mtime ns, ctime ns] written into words and
// the first bytes into head. src/backend/native.ts builds the FileState.
Napi::Value Inspect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = StringArg(info, 0);
  uint64_t* words = WordsArg(info, 1, 5);
  void* head = ArrayArg(info, 2, napi_uint8_array, pidlock::kHeadBytes);
  std::optional<pidlock::FileState> found;
  SysError err;
  if (!pidlock::Inspect(path, &found, &err)) throw SysErrorToJs(env, err, path);
  if (!found.has_value()) return Napi::Number::New(env, -1);
  const pidlock::FileState& st = *found;
  words[0] = st.dev;
  words[1] = st.ino;
  words[2] = st.size;
  words[3] = static_cast<uint64_t>(st.mtime_sec * 1000000000LL + st.mtime_nsec);
  words[4] = static_cast<uint64_t>(st.ctime_sec * 1000000000LL + st.ctime_nsec);
  memcpy(head, st.head, st.head_len);
  int kernel = st.kernel_held.has_value() ? (*st.kernel_held ? 1 : 0) : 2;
  return Napi::Number::New(env, static_cast<int>(st.type) | kernel << 2 | static_cast<int>(st.head_len) << 4);
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  EnvLocks::Entry* entry = HeldArg(info, 0);
  int64_t handle = entry->held.handle;
  Locks(info)->held.erase(handle);
  pidlock::Close(handle);
  return info.Env().Undefined();
}

Napi::Value Touch(const Napi::CallbackInfo& info) {
  EnvLocks::Entry* entry = HeldArg(info, 0);
  SysError err;
  if (!pidlock::Touch(entry->held.handle, &err)) throw SysErrorToJs(info.Env(), err, entry->path);
  return info.Env().Undefined();
}

// { local, type } or null when this platform's native code cannot tell.
Napi::Value DirKind(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::optional<pidlock::DirKind> kind = pidlock::DirKindOf(StringArg(info, 0));
  if (!kind.has_value()) return env.Null();
  Napi::Object out = Napi::Object::New(env);
  out.Set("local", Napi::Boolean::New(env, kind->local));
  out.Set("type", Napi::String::New(env, kind->type));
  return out;
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

// A number, false when the path names nothing now, null when it cannot be watched.
Napi::Value WatchFile(const Napi::CallbackInfo& info) {
  int64_t w = pidlock::kNoWatch;
  int rc = pidlock::OpenFileWatch(StringArg(info, 0), &w);
  if (rc == 0) return Napi::Boolean::New(info.Env(), false);
  if (rc < 0) return info.Env().Null();
  return Napi::Number::New(info.Env(), static_cast<double>(w));
}

Napi::Value CloseExitWatch(const Napi::CallbackInfo& info) {
  pidlock::CloseExitWatch(WatchArg(info, 0));
  return info.Env().Undefined();
}

Napi::Value CloseFileWatch(const Napi::CallbackInfo& info) {
  pidlock::CloseFileWatch(WatchArg(info, 0), info.Length() > 1 && info[1].ToBoolean().Value());
  return info.Env().Undefined();
}

// (exitWatch | -1, fileWatch | -1, ms) -> 'exit' | 'file' | 'signal' | 'timeout'; blocks the thread.
Napi::Value WaitWatches(const Napi::CallbackInfo& info) {
  double ms = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().DoubleValue() : 0;
  if (!(ms >= 0)) ms = 0;
  if (ms > 2147483647.0) ms = 2147483647.0;
  pidlock::Woken w = pidlock::WaitWatches(WatchArg(info, 0), WatchArg(info, 1), static_cast<int>(std::ceil(ms)));
  const char* what = w == pidlock::Woken::kExit     ? "exit"
                     : w == pidlock::Woken::kFile   ? "file"
                     : w == pidlock::Woken::kSignal ? "signal"
                                                    : "timeout";
  return Napi::String::New(info.Env(), what);
}

Napi::Value TrapSignals(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), pidlock::TrapSignals());
}

// The number of the first signal that arrived while trapped, or 0.
Napi::Value UntrapSignals(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), pidlock::UntrapSignals());
}

// An armed exit watch has two owners that Node may finalize in either order:
// the thread-safe function (on a worker's teardown, Node 24+ finalizes it
// before any External) and the External handed to JS. Whichever lets go last
// deletes. The watcher thread is joined before the function is released or
// finalized, so it never calls into a function that is gone.
// A count rather than std::shared_ptr: libstdc++'s shared_ptr binds to
// __libc_single_threaded, which raises the prebuilds' glibc floor to 2.32.
struct Armed {
  Napi::ThreadSafeFunction tsfn;  // empty once released or finalized
  pidlock::ExitWait* wait = nullptr;
  std::atomic<int> owners{2};  // the function and the External

  void StopWatching() {
    pidlock::CancelExitWait(wait);  // joins the watcher: no call after this
    wait = nullptr;
  }

  void Disarm() {
    StopWatching();
    if (tsfn != nullptr) std::exchange(tsfn, Napi::ThreadSafeFunction()).Release();
  }

  void LetGo() {
    if (owners.fetch_sub(1) == 1) delete this;
  }

  static void TsfnFinalized(Napi::Env, Armed* a, Armed*) {
    a->StopWatching();
    a->tsfn = Napi::ThreadSafeFunction();  // finalized: nothing left to release
    a->LetGo();
  }

  static void TokenFinalized(Napi::Env, Armed* a) {
    a->Disarm();
    a->LetGo();
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
  // With a context argument: the (finalizer, data) overload alone is ambiguous.
  armed->tsfn = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "pidlock-exit-watch", size_t{0},
                                              size_t{1}, armed, Armed::TsfnFinalized, armed);
  armed->tsfn.Unref(env);
  armed->wait = pidlock::StartExitWait(w, FireArmed, armed);
  if (armed->wait == nullptr) {
    armed->Disarm();
    armed->LetGo();  // no External: the function's finalizer deletes
    return env.Null();
  }
  return Napi::External<Armed>::New(env, armed, Armed::TokenFinalized);
}

Napi::Value DisarmExitWatch(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "expected an armed watch");
  info[0].As<Napi::External<Armed>>().Data()->Disarm();
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // How much of a lock file Inspect reads; src/lockfile.ts MAX_CONTENT must agree.
  exports.Set("headBytes", Napi::Number::New(env, static_cast<double>(pidlock::kHeadBytes)));
  EnvLocks* locks = new EnvLocks();
  env.AddCleanupHook(EnvLocks::Teardown, locks);
  exports.Set("probe", Napi::Function::New(env, Probe));
  exports.Set("publish", Napi::Function::New(env, Publish, "publish", locks));
  exports.Set("inspect", Napi::Function::New(env, Inspect));
  exports.Set("remove", Napi::Function::New(env, Remove, "remove", locks));
  exports.Set("close", Napi::Function::New(env, Close, "close", locks));
  exports.Set("touch", Napi::Function::New(env, Touch, "touch", locks));
  exports.Set("dirKind", Napi::Function::New(env, DirKind));
  exports.Set("watchExit", Napi::Function::New(env, WatchExit));
  exports.Set("watchFile", Napi::Function::New(env, WatchFile));
  exports.Set("closeExitWatch", Napi::Function::New(env, CloseExitWatch));
  exports.Set("closeFileWatch", Napi::Function::New(env, CloseFileWatch));
  exports.Set("waitWatches", Napi::Function::New(env, WaitWatches));
  exports.Set("trapSignals", Napi::Function::New(env, TrapSignals));
  exports.Set("untrapSignals", Napi::Function::New(env, UntrapSignals));
  exports.Set("armExitWatch", Napi::Function::New(env, ArmExitWatch));
  exports.Set("disarmExitWatch", Napi::Function::New(env, DisarmExitWatch));
  return exports;
}

}  // namespace

NODE_API_MODULE(pidlock, Init)
