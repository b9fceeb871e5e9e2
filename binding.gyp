{
  "targets": [
    {
      "target_name": "rtmixer",
      "sources": [
        "native/binding/binding.cc",
        "native/binding/napi_mixer.cc",
        "native/binding/napi_ringbuffer.cc",
        "native/core/mixer_core.c",
        "native/core/mixer_state.c",
        "native/core/spsc_queue.c",
        "native/core/ringbuffer.c",
        "native/host/mixer_stream.c",
        "native/host/result_watcher.c",
        "native/host/pa_loader.c",
        "native/host/pa_session.c",
        "native/dev/test_hooks.c",
        "native/dev/bench_kernels.c"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native/core",
        "native/host",
        "native/binding",
        "native/dev"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags": ["-Wall", "-O2"],
      "cflags_c": ["-std=c11", "-Wextra"],
      "cflags_cc": ["-std=c++2b", "-Wall", "-O2"],
      "libraries": ["-ldl", "-lpthread", "-lm"]
    }
  ]
}
