export declare const ENGINE_ALLOCATOR_ENV: Readonly<{ MALLOC_MMAP_THRESHOLD_: string; MALLOC_ARENA_MAX: string }>;
export declare function engineProcessEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export declare function hasEngineAllocatorEnv(env?: NodeJS.ProcessEnv): boolean;
