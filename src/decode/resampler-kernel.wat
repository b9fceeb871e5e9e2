;; The resampler's inner loop in WebAssembly SIMD (four float32 lanes): for each
;; output frame, the dot product of one polyphase row with each channel's
;; history. Source of resampler-kernel-wasm.ts (regenerate:
;; node scripts/build-resampler-kernel.js). Memory is the importer's.
(module
  (import "env" "memory" (memory 1))
  (global $index (export "index") (mut i32) (i32.const 0))
  (global $phase (export "phase") (mut i32) (i32.const 0))
  ;; rows: byte offset of row 0; taps: a multiple of 16; hist: byte offset of channel 0's
  ;; history; stride: floats between channels; first: the first tap's offset from an
  ;; output's index; out: byte offset, interleaved. $index (into the history) and
  ;; $phase are the position of the next output, advanced by M/L per output.
  (func (export "run") (param $rows i32) (param $taps i32) (param $hist i32) (param $stride i32)
        (param $channels i32) (param $first i32) (param $out i32) (param $count i32)
        (param $up i32) (param $down i32)
    (local $n i32) (local $c i32) (local $j i32) (local $row i32) (local $h i32)
    (local $acc v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $rowBytes i32) (local $carry i32)
    (local.set $rowBytes (i32.shl (local.get $taps) (i32.const 2)))
    (block $done
      (loop $frames
        (br_if $done (i32.ge_u (local.get $n) (local.get $count)))
        (local.set $row (i32.add (local.get $rows) (i32.mul (global.get $phase) (local.get $rowBytes))))
        (local.set $c (i32.const 0))
        (loop $channels_loop
          (local.set $h (i32.add (local.get $hist)
            (i32.shl (i32.add (i32.mul (local.get $c) (local.get $stride))
              (i32.add (global.get $index) (local.get $first))) (i32.const 2))))
          (local.set $acc (v128.const f32x4 0 0 0 0))
          (local.set $acc1 (v128.const f32x4 0 0 0 0))
          (local.set $acc2 (v128.const f32x4 0 0 0 0))
          (local.set $acc3 (v128.const f32x4 0 0 0 0))
          (local.set $j (i32.const 0))
          ;; Four independent sums (16 taps a turn): one would wait on each add's latency.
          (loop $taps_loop
            (local.set $acc (f32x4.add (local.get $acc)
              (f32x4.mul (v128.load (i32.add (local.get $row) (local.get $j)))
                         (v128.load (i32.add (local.get $h) (local.get $j))))))
            (local.set $acc1 (f32x4.add (local.get $acc1)
              (f32x4.mul (v128.load offset=16 (i32.add (local.get $row) (local.get $j)))
                         (v128.load offset=16 (i32.add (local.get $h) (local.get $j))))))
            (local.set $acc2 (f32x4.add (local.get $acc2)
              (f32x4.mul (v128.load offset=32 (i32.add (local.get $row) (local.get $j)))
                         (v128.load offset=32 (i32.add (local.get $h) (local.get $j))))))
            (local.set $acc3 (f32x4.add (local.get $acc3)
              (f32x4.mul (v128.load offset=48 (i32.add (local.get $row) (local.get $j)))
                         (v128.load offset=48 (i32.add (local.get $h) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 64)))
            (br_if $taps_loop (i32.lt_u (local.get $j) (local.get $rowBytes))))
          (local.set $acc (f32x4.add (f32x4.add (local.get $acc) (local.get $acc1)) (f32x4.add (local.get $acc2) (local.get $acc3))))
          (f32.store (local.get $out)
            (f32.add
              (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
              (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
          (local.set $out (i32.add (local.get $out) (i32.const 4)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $channels_loop (i32.lt_u (local.get $c) (local.get $channels))))
        (global.set $phase (i32.add (global.get $phase) (local.get $down)))
        (local.set $carry (i32.div_u (global.get $phase) (local.get $up)))
        (global.set $index (i32.add (global.get $index) (local.get $carry)))
        (global.set $phase (i32.sub (global.get $phase) (i32.mul (local.get $carry) (local.get $up))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $frames)))
  )
)
