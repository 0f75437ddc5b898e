import { describe, expect, it } from 'vitest';
import { engineProcessEnv, hasEngineAllocatorEnv } from './memory-env.mjs';

describe('the engine process environment', () => {
  it('adds a fixed mmap threshold of 8 MiB, a trim threshold of 32 MiB and at most two heaps to the environment it is given', () => {
    const env = engineProcessEnv({ PATH: '/usr/bin' });
    expect(env).toEqual({ PATH: '/usr/bin', MALLOC_MMAP_THRESHOLD_: '8388608', MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '33554432' });
    expect(hasEngineAllocatorEnv(env)).toBe(true);
    expect(hasEngineAllocatorEnv({ PATH: '/usr/bin' })).toBe(false);
    expect(hasEngineAllocatorEnv({ MALLOC_MMAP_THRESHOLD_: '8388608' })).toBe(false);
  });

  it('keeps a threshold the user chose', () => {
    expect(engineProcessEnv({ MALLOC_MMAP_THRESHOLD_: '65536' }).MALLOC_MMAP_THRESHOLD_).toBe('65536');
  });
});
