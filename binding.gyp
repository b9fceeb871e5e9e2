{
  # Two addons from the same sources. `rtmixer` is what users install: the
  # library and nothing else. `rtmixer_dev` adds the test hooks and benchmark
  # kernels (native/dev); it is built only when asked for
  # (`node-gyp rebuild --rtmixer-dev=yes`, which `npm run build:native` does), into
  # build/Release/dev/ where node-gyp-build never looks, and loaded by the test
  # suite and `npm run bench` through RTMIXER_DEV_ADDON=1 (src/native.ts).
  "variables": { "rtmixer_dev%": "no" },
  "target_defaults": {
    "sources": [
      "native/binding/binding.cc",
      "native/binding/napi_mixer.cc",
      "native/binding/napi_ringbuffer.cc",
      "native/binding/napi_sound.cc",
      "native/binding/action_descriptor.cc",
      "native/binding/napi_platform.cc",
      "native/core/mixer_core.c",
      "native/core/mixer_state.c",
      "native/core/id_index.c",
      "native/core/spsc_queue.c",
      "native/core/ringbuffer.c",
      "native/core/prefault.c",
      "native/core/rt_memory.c",
      "native/core/action_pool.c",
      "native/core/level_meter.c",
      "native/host/mixer_stream.c",
      "native/host/result_watcher.c",
      "native/host/pa_loader.c",
      "native/host/pa_search.c",
      "native/host/dynlib.c",
      "native/host/pa_session.c",
      "native/host/pa_copy.c"
    ],
    "include_dirs": [
      "<!(node -p \"require('node-addon-api').include_dir\")",
      "native/core",
      "native/host",
      "native/binding"
    ],
    "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
    "cflags": ["-Wall", "-O2"],
    "cflags_c": ["-std=c11", "-Wextra"],
    "conditions": [
      # -z now: every symbol bound at load. Lazily bound, the audio thread's first
      # call into libc wrote the GOT from inside the callback (a page fault in
      # _dl_fixup, seen with perf on JACK's real-time thread).
      ["OS=='linux'", {"libraries": ["-ldl", "-lpthread", "-lm"], "ldflags": ["-Wl,-z,now", "-Wl,-z,relro"]}],
      ["OS=='win'", {"defines": ["_USE_MATH_DEFINES"]}],
      ["OS=='mac'", {
        "xcode_settings": {
          "GCC_C_LANGUAGE_STANDARD": "c11",
          "CLANG_CXX_LANGUAGE_STANDARD": "c++2b",
          "MACOSX_DEPLOYMENT_TARGET": "11.0",
          "OTHER_CFLAGS": ["-Wall", "-Wextra", "-O2"]
        }
      }]
    ]
  },
  # (cflags_cc sit in each target: in target_defaults node-gyp's -std=gnu++17 would follow and win)
  "targets": [
    { "target_name": "rtmixer", "cflags_cc": ["-std=c++2b", "-Wall", "-O2"] }
  ],
  "conditions": [
    ["rtmixer_dev=='yes'", {
      "targets": [
        {
          "target_name": "rtmixer_dev",
          "product_dir": "<(PRODUCT_DIR)/dev",
          "sources": ["native/dev/test_hooks.c", "native/dev/bench_kernels.c"],
          "include_dirs": ["native/dev"],
          "defines": ["RTMIXER_DEV=1"],
          "cflags_cc": ["-std=c++2b", "-Wall", "-O2"]
        }
      ]
    }]
  ]
}
