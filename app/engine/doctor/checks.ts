/**
 * System checks shared by `vigil doctor` and the engine's health report. Each check says what it found
 * (evidence) and, when something is missing, how to get it (fix). No check throws.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type * as OnnxRuntime from 'onnxruntime-node';
import { dataSetDir, modelsDir, vigilHome } from '../paths';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  readonly id: string;
  readonly status: CheckStatus;
  readonly summary: string;
  readonly evidence: Record<string, unknown>;
  readonly fix?: string;
}

export interface Check {
  readonly id: string;
  run(env: NodeJS.ProcessEnv): CheckResult | Promise<CheckResult>;
}

const require = createRequire(import.meta.url);
const MIN_NODE: [number, number] = [20, 19];

export const nodeCheck: Check = {
  id: 'node',
  run() {
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
    return {
      id: 'node',
      status: ok ? 'ok' : 'fail',
      summary: `Node ${process.versions.node} on ${process.platform}-${process.arch}`,
      evidence: { node: process.versions.node, platform: process.platform, arch: process.arch, electron: process.versions.electron ?? null },
      ...(ok ? {} : { fix: `install Node ${MIN_NODE.join('.')} or newer` }),
    };
  },
};

export const sqliteCheck: Check = {
  id: 'sqlite',
  run() {
    try {
      const Database = require('better-sqlite3') as typeof BetterSqlite3;
      const db = new Database(':memory:');
      const version = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
      db.close();
      return { id: 'sqlite', status: 'ok', summary: `better-sqlite3 loads (SQLite ${version})`, evidence: { sqlite: version } };
    } catch (error) {
      return { id: 'sqlite', status: 'fail', summary: 'better-sqlite3 does not load', evidence: { error: (error as Error).message }, fix: 'run `npm rebuild better-sqlite3` (for Electron: `npx electron-builder install-app-deps`)' };
    }
  },
};

export const onnxRuntimeCheck: Check = {
  id: 'onnxruntime',
  run() {
    try {
      const ort = require('onnxruntime-node') as typeof OnnxRuntime;
      const backends = ort.listSupportedBackends().map((b) => b.name);
      return { id: 'onnxruntime', status: 'ok', summary: `onnxruntime-node loads (backends: ${backends.join(', ')})`, evidence: { backends } };
    } catch (error) {
      return { id: 'onnxruntime', status: 'fail', summary: 'onnxruntime-node does not load', evidence: { error: (error as Error).message }, fix: 'reinstall with `npm ci` (keep onnxruntime-node-install=skip in .npmrc)' };
    }
  },
};

export const modelsCheck: Check = {
  id: 'models',
  run(env) {
    const dir = modelsDir(env);
    const manifest = join(dir, 'manifest.json');
    if (!existsSync(manifest)) {
      return { id: 'models', status: 'warn', summary: 'no converted models yet; detectors that need them are off', evidence: { manifest, present: false }, fix: 'run `npm run models` once the model converter has landed' };
    }
    try {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { models?: { file: string }[] };
      const models = parsed.models ?? [];
      const missing = models.filter((m) => !existsSync(join(dir, m.file))).map((m) => m.file);
      return missing.length
        ? { id: 'models', status: 'fail', summary: `${missing.length} model file(s) listed in the manifest are missing`, evidence: { manifest, missing }, fix: 'run `npm run models`' }
        : { id: 'models', status: 'ok', summary: `${models.length} model(s) present`, evidence: { manifest, files: models.map((m) => m.file) } };
    } catch (error) {
      return { id: 'models', status: 'fail', summary: `${manifest} is not valid JSON`, evidence: { error: (error as Error).message }, fix: 'run `npm run models` to regenerate it' };
    }
  },
};

export const dataFolderCheck: Check = {
  id: 'data_folder',
  run(env) {
    const dir = vigilHome(env);
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
      return { id: 'data_folder', status: 'ok', summary: `data folder ${dir} is writable`, evidence: { path: dir } };
    } catch (error) {
      return { id: 'data_folder', status: 'fail', summary: `data folder ${dir} is not writable`, evidence: { path: dir, error: (error as Error).message }, fix: 'set VIGIL_HOME to a writable folder' };
    }
  },
};

export const ffmpegCheck: Check = {
  id: 'ffmpeg',
  run() {
    try {
      const first = execFileSync('ffmpeg', ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 10_000 }).split('\n')[0] ?? '';
      return { id: 'ffmpeg', status: 'ok', summary: first.trim(), evidence: { version: first.trim() } };
    } catch {
      return { id: 'ffmpeg', status: 'warn', summary: 'ffmpeg not found on PATH; video files cannot be analysed', evidence: { path: process.env.PATH ?? '' }, fix: 'install ffmpeg (Debian: apt-get install ffmpeg)' };
    }
  },
};

export const evaluationDataCheck: Check = {
  id: 'evaluation_data',
  run(env) {
    const dir = dataSetDir(env);
    return existsSync(join(dir, 'README.md'))
      ? { id: 'evaluation_data', status: 'ok', summary: `evaluation data at ${dir}`, evidence: { path: dir } }
      : { id: 'evaluation_data', status: 'warn', summary: `no evaluation data at ${dir}; eval and bench commands need it, tests do not`, evidence: { path: dir }, fix: 'set VIGIL_DATA_DIR to the shared data folder' };
  },
};

export const defaultChecks: readonly Check[] = [nodeCheck, sqliteCheck, onnxRuntimeCheck, modelsCheck, dataFolderCheck, ffmpegCheck, evaluationDataCheck];

export async function runChecks(checks: readonly Check[] = defaultChecks, env: NodeJS.ProcessEnv = process.env): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    try {
      results.push(await check.run(env));
    } catch (error) {
      results.push({ id: check.id, status: 'fail', summary: `check crashed: ${(error as Error).message}`, evidence: {} });
    }
  }
  return results;
}
