/**
 * The engine process's allocator settings. Why: the vision models run in three threads (app/engine/vision), and
 * glibc gives each thread its own heap whose freed blocks stay mapped; its adaptive threshold also moves large
 * tensors (a CenterNet activation is 16 MB) from mmap onto those heaps after the first free. A fixed threshold
 * keeps every allocation of 1 MiB or more on mmap, returned to the system when freed: about 100 MB less resident
 * memory over an analysis, at no measurable cost (a few large tensors per second). Other platforms' allocators
 * ignore the variable. It must be set before the process starts, so whoever starts the engine sets it.
 */
export const ENGINE_ALLOCATOR_ENV = { MALLOC_MMAP_THRESHOLD_: String(1024 * 1024) } as const;

/** `env` with the engine's allocator settings added, keeping any the user set. */
export function engineProcessEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...ENGINE_ALLOCATOR_ENV, ...env };
}

/** True when this process already started with them (or the user chose their own). */
export const hasEngineAllocatorEnv = (env: NodeJS.ProcessEnv = process.env): boolean => Object.keys(ENGINE_ALLOCATOR_ENV).every((k) => env[k] !== undefined);
