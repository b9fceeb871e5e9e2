{
  "targets": [
    {
      "target_name": "rtmixer",
      "sources": [
        "native/binding.cc",
        "native/napi_mixer.cc",
        "native/napi_ringbuffer.cc",
        "native/mixer_core.c",
        "native/mixer_state.c",
        "native/mixer_stream.c",
        "native/spsc_queue.c",
        "native/ringbuffer.c",
        "native/result_watcher.c",
        "native/pa_loader.c",
        "native/pa_session.c",
        "native/test_hooks.c",
        "native/bench_kernels.c"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags": ["-Wall", "-O2"],
      "cflags_c": ["-std=c11", "-Wextra"],
      "cflags_cc": ["-std=c++2b", "-Wall", "-O2"],
      "libraries": ["-ldl", "-lpthread", "-lm"]
    }
  ]
}
