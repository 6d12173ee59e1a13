{
  "targets": [
    {
      "target_name": "pidlock",
      "sources": ["native/addon.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "CLANG_CXX_LIBRARY": "libc++",
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
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
