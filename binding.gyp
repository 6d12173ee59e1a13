# The one list of the addon's sources, defines and compiler flags: node-gyp
# builds from it, and the cross builds and the darwin check read it through
# scripts/cross/gyp-flags.js.
{
  "targets": [
    {
      "target_name": "pidlock",
      "sources": ["native/addon.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      # NAPI_VERSION pins the Node-API level the binary may use (8: Node 12.22+,
      # 14.17+, 16+), so one file loads on every supported Node.
      # NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS: see native/addon.cc.
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      # -fvisibility=hidden: only the entry points the Node-API headers mark
      # visible (napi_register_module_v1, ...) are exported; otherwise every
      # inlined node-addon-api template would be too, and could be interposed by
      # another addon built against another node-addon-api.
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-fvisibility=hidden"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "CLANG_CXX_LIBRARY": "libc++",
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
        "MACOSX_DEPLOYMENT_TARGET": "10.15"
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "ExceptionHandling": 1 }
      },
      "conditions": [
        ["OS=='linux'", {
          "sources": ["native/liveness_linux.cc", "native/lockfile_posix.cc", "native/wake_linux.cc", "native/wake_posix.cc"]
        }],
        ["OS=='mac'", {
          "sources": ["native/liveness_darwin.cc", "native/lockfile_posix.cc", "native/wake_darwin.cc", "native/wake_posix.cc"]
        }],
        ["OS=='win'", {
          "sources": ["native/liveness_win.cc", "native/lockfile_win.cc", "native/wake_win.cc"],
          "defines": ["UNICODE", "_UNICODE", "WIN32_LEAN_AND_MEAN", "NOMINMAX", "_HAS_EXCEPTIONS=1"]
        }]
      ]
    }
  ]
}
