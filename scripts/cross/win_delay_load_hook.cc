// Delay-load notify hook for the MinGW win32 build of the addon.
//
// Why: the import libraries made from node-api-headers' .def files name the
// DLL "node.exe". A normal import would make Windows look for a module called
// node.exe when the addon loads, which fails in Electron (electron.exe, MyApp.exe)
// and any other renamed or embedding host. build-win32.sh therefore links against
// delay-load import libraries (dlltool -y): the N-API imports are resolved on first
// call, through MinGW's __delayLoadHelper2, which asks this hook first.
//
// When the helper is about to LoadLibrary("node.exe"), we hand it the module of the
// running executable instead. Every Node-API host (node.exe under any name,
// Electron) exports the napi_* functions from its main executable, so that is where
// the symbols must come from, whatever the file is called.
#include <windows.h>
#include <delayimp.h>
#include <string.h>

namespace {

FARPROC WINAPI BindNodeApiToHost(unsigned notify, PDelayLoadInfo info) {
  // Only the pre-load notification can substitute a module; for everything else
  // returning NULL keeps the helper's default behaviour.
  if (notify != dliNotePreLoadLibrary || info == nullptr || info->szDll == nullptr) {
    return nullptr;
  }
  // DLL names are case-insensitive on Windows and dlltool may upper-case them
  // (the .def says NODE.EXE), so compare without case.
  if (_stricmp(info->szDll, "node.exe") != 0) {
    return nullptr;
  }
  // GetModuleHandle(NULL): the executable that started this process. No reference
  // count is taken, which is right: the host outlives the addon.
  return reinterpret_cast<FARPROC>(GetModuleHandleW(nullptr));
}

}  // namespace

// MinGW's delayimp.h declares this non-const (MSVC's newer headers use const), so
// the definition must match that declaration exactly. The braces form defines it
// without GCC's "initialized and declared extern" warning.
extern "C" {
PfnDliHook __pfnDliNotifyHook2 = BindNodeApiToHost;
}
