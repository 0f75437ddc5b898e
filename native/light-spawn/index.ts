/**
 * posix_spawn for the media tools (why: src/light_spawn.c). `lightSpawn()` is null where the addon is not built
 * (Windows, or a failed build during `npm ci`): callers then use Node's child_process.
 */
import { createRequire } from 'node:module';

export interface SpawnedTool {
  readonly pid: number;
  /** Our end of the socket pair that is the child's stdout. */
  readonly stdout: number;
  /** The read end of the pipe that is the child's stderr. */
  readonly stderr: number;
}

export interface LightSpawn {
  /** Starts `file` (found on PATH) with `argv` (argv[0] included); throws an Error with `code` ENOENT, EACCES... */
  spawn(file: string, argv: readonly string[]): SpawnedTool;
  /** Null while the child runs; else its exit code or the number of the signal that ended it (the other is -1). */
  reap(pid: number): { code: number; signal: number } | null;
}

const require = createRequire(import.meta.url);
let loaded: LightSpawn | null | undefined;

export function lightSpawn(): LightSpawn | null {
  if (loaded === undefined) {
    try {
      // Resolved through the package name (a file: dependency built by `npm ci`), from source and from a bundle.
      loaded = process.platform === 'win32' ? null : (require('vigil-light-spawn/build/Release/light_spawn.node') as LightSpawn);
    } catch {
      loaded = null;
    }
  }
  return loaded;
}
