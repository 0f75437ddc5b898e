/** Serves the built renderer from one folder, refusing anything outside it. */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileUnder } from '../shell/request-path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export type StaticFile = { body: Buffer; type: string };

/** The file for a request target under `root`; 'bad_request' for a target that cannot name a file. */
export async function readStatic(root: string, target: string): Promise<StaticFile | 'bad_request' | undefined> {
  const full = fileUnder(root, target);
  if (full === 'bad_request') return 'bad_request';
  if (full === null) return undefined;
  try {
    return { body: await readFile(full), type: MIME[extname(full)] ?? 'application/octet-stream' };
  } catch {
    return undefined;
  }
}
