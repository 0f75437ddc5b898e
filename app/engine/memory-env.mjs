// The engine process's allocator settings, in plain JavaScript so that the `vigil` command can read them before it
// loads TypeScript (app/cli/vigil.mjs); types in memory-env.d.mts.
//
// Why: the vision models run in three threads (app/engine/vision), and glibc gives each thread its own heap whose
// freed blocks stay mapped; its adaptive threshold also moves large tensors (a CenterNet activation is 16 MB) from
// mmap onto those heaps after the first free. A fixed threshold keeps every allocation of 8 MiB or more on mmap,
// returned to the system when freed. Measured over both gaze clips (quiet machine): peak RSS 437 MB without it,
// 360 with it; the per-frame models (FaceMesh, Iris) allocate less than that per tensor and run as fast, the
// once-a-second CenterNet pays about 12 ms a run in page faults. (1 MiB saved 20 MB more but slowed every model.)
// 8 MiB rather than the 4 first measured: CenterNet's 5.2 MB heatmap, copied out of onnxruntime once a second, was
// mapped and faulted in anew each time (page faults per analysed clip 39-54k -> 16-33k; both clips interleaved 3 x:
// 5.83 / 5.38 / 5.66x -> 5.86 / 5.87 / 5.92x; bench vision rssMB 361-366 -> 368-375; 16 MiB went over 400).
// Two heaps at most (MALLOC_ARENA_MAX) instead of one per thread for the blocks below the threshold: peak RSS of
// `vigil bench vision` 404 / 404 MB without it, 357 / 362 with it, at the same speed per frame.
// Freed heap memory is given back to the system only above 32 MiB at the top of a heap (MALLOC_TRIM_THRESHOLD_; fixing
// the mmap threshold had left it at glibc's 128 KiB): each frame's tensors and pipe buffers otherwise went back and
// were faulted in again on the next frame, about 150,000 page faults per analysed clip. Both gaze clips analysed end to
// end, interleaved, 4 x each: 3.80 / 3.76 / 4.16 / 4.28x without it, 4.12 / 4.49 / 4.93 / 4.92x with it (256 MiB gave
// the same as 32), for 20-40 MB more peak RSS.
// Other platforms' allocators ignore the variables. They must be set before the process starts, so whoever starts
// the engine sets them.
export const ENGINE_ALLOCATOR_ENV = Object.freeze({ MALLOC_MMAP_THRESHOLD_: String(8 * 1024 * 1024), MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: String(32 * 1024 * 1024) });

/** `env` with the engine's allocator settings added, keeping any the user set. */
export function engineProcessEnv(env = process.env) {
  return { ...ENGINE_ALLOCATOR_ENV, ...env };
}

/** True when this process already started with them (or the user chose their own). */
export function hasEngineAllocatorEnv(env = process.env) {
  return Object.keys(ENGINE_ALLOCATOR_ENV).every((k) => env[k] !== undefined);
}
