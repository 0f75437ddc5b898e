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
import { listDisplays } from '../signals/displays';
import { detectCamera, detectMicrophone, type MediaPresence } from '../signals/media-devices';
import { listProcesses } from '../signals/process-list';
import { createMatcher, ruleLabel, type ProhibitedFinding } from '../signals/prohibited-processes';
import { detectRemoteSession } from '../signals/remote-session';
import { detectVm, VM_SCORE_THRESHOLD } from '../signals/vm-detection';
import { probeX11Display } from '../signals/x11-display';

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
      return { id: 'models', status: 'warn', summary: 'no converted models yet; detectors that need them are off', evidence: { manifest, present: false }, fix: 'run `npm run models` (the engine also converts them by itself on first use)' };
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

// OS checks: a finding is a warning, not a failure: the exam's policy decides whether the exam may start.

export const vmCheck: Check = {
  id: 'vm',
  async run() {
    const { score, indicators, vendor } = await detectVm();
    const found = indicators.filter((i) => i.found).map((i) => i.id);
    const evidence = { score, threshold: VM_SCORE_THRESHOLD, vendor, indicators };
    return score >= VM_SCORE_THRESHOLD
      ? { id: 'vm', status: 'warn', summary: `looks like a virtual machine${vendor ? ` (${vendor})` : ''}: score ${score} from ${found.join(', ')}`, evidence, fix: 'sit the exam on a physical computer, or ask the invigilator to allow virtual machines' }
      : { id: 'vm', status: 'ok', summary: `not a virtual machine by the evidence (score ${score}${found.length ? ` from ${found.join(', ')}` : ''})`, evidence };
  },
};

export const prohibitedProcessesCheck: Check = {
  id: 'prohibited_processes',
  async run() {
    const started = Date.now();
    const processes = await listProcesses();
    const match = createMatcher();
    const found = processes.filter((p) => p.pid !== process.pid).map(match).filter((f): f is ProhibitedFinding => f !== null);
    const evidence = {
      processesScanned: processes.length,
      scanMs: Date.now() - started,
      found: found.map((f) => ({ pid: f.process.pid, name: f.process.name, exe: f.process.exe, category: f.rule.category, rule: ruleLabel(f.rule), matchedOn: f.matchedOn })),
    };
    const names = [...new Set(found.map((f) => f.process.name))].sort();
    return found.length === 0
      ? { id: 'prohibited_processes', status: 'ok', summary: `no prohibited program running (${processes.length} processes checked)`, evidence }
      : { id: 'prohibited_processes', status: 'warn', summary: `prohibited program(s) running: ${names.join(', ')}`, evidence, fix: `quit ${names.join(', ')} before the exam` };
  },
};

export const displaysCheck: Check = {
  id: 'displays',
  async run(env) {
    const listing = await listDisplays(env);
    if (!listing.ok) return { id: 'displays', status: 'warn', summary: `displays could not be listed: ${listing.error}`, evidence: { source: listing.source, error: listing.error, display: env.DISPLAY ?? null }, fix: listing.fix };
    const { displays, source } = listing;
    const evidence = { count: displays.length, source, displays, display: env.DISPLAY ?? null };
    if (displays.length === 1) return { id: 'displays', status: 'ok', summary: `one display (${displays[0]?.width}x${displays[0]?.height})`, evidence };
    return displays.length === 0
      ? { id: 'displays', status: 'warn', summary: 'no display found (headless machine or no X display)', evidence, fix: 'run Vigil in a desktop session with one screen' }
      : { id: 'displays', status: 'warn', summary: `${displays.length} displays connected; exams usually allow one`, evidence, fix: 'disconnect every screen but one' };
  },
};

export const remoteSessionCheck: Check = {
  id: 'remote_session',
  async run(env) {
    const { remote, kinds, evidence } = await detectRemoteSession(env);
    return remote
      ? { id: 'remote_session', status: 'warn', summary: `this session may be remote or shared: ${kinds.join(', ')}`, evidence: { kinds, ...evidence }, fix: 'sit the exam at the computer itself, with no remote-desktop or screen-sharing server running' }
      : { id: 'remote_session', status: 'ok', summary: 'local session: no SSH, RDP or VNC found', evidence: { kinds, ...evidence } };
  },
};

function mediaCheck(id: 'camera' | 'microphone', detect: () => Promise<MediaPresence>): Check {
  return {
    id,
    async run() {
      const found = await detect();
      const evidence = { present: found.present, devices: found.devices, source: found.source, ...(found.error ? { error: found.error } : {}) };
      if (found.present) return { id, status: 'ok', summary: `${id} found: ${found.devices.map((d) => d.name).join(', ')}`, evidence };
      return found.present === null
        ? { id, status: 'warn', summary: `${id} presence cannot be told from here; the exam app checks it when it opens the device`, evidence }
        : { id, status: 'warn', summary: `no ${id} found`, evidence, fix: `connect a ${id} (and allow Vigil to use it)` };
    },
  };
}

/** The OS keyboard hook (uiohook-napi): loads, and on Linux has an X display to record from. Never started here. */
export const inputHookCheck: Check = {
  id: 'input_hook',
  async run(env) {
    if (process.platform === 'linux') {
      const display = await probeX11Display(env.DISPLAY);
      if (!display.ok) return { id: 'input_hook', status: 'warn', summary: `OS keyboard hook cannot run: ${display.reason}`, evidence: { display: display.display, reason: display.reason }, fix: display.fix };
    }
    try {
      await import('uiohook-napi');
      return { id: 'input_hook', status: 'ok', summary: 'uiohook-napi loads; key combos are observed at OS level', evidence: { module: 'uiohook-napi', display: env.DISPLAY ?? null } };
    } catch (error) {
      return { id: 'input_hook', status: 'warn', summary: 'uiohook-napi does not load; key combos are seen only inside the exam window', evidence: { error: (error as Error).message.split('\n')[0] }, fix: process.platform === 'linux' ? 'apt-get install libxtst6 libxt6 libxrandr2, then `npm ci`' : 'reinstall with `npm ci`' };
    }
  },
};

/** The native keyboard lock (native/keyboard-lock, built by `npm ci`): loads, and on X11 can open the display. */
export const keyboardLockCheck: Check = {
  id: 'keyboard_lock',
  run(env) {
    let addon: { mechanism: string; probe(display?: string): { ok: boolean; error?: string; vendor?: string } };
    try {
      addon = require('vigil-keyboard-lock/build/Release/keyboard_lock.node') as typeof addon;
    } catch (error) {
      return { id: 'keyboard_lock', status: 'warn', summary: 'keyboard lock addon is not built; switch and screenshot combos are observed, not blocked', evidence: { error: (error as Error).message.split('\n')[0] }, fix: process.platform === 'linux' ? 'apt-get install libx11-dev, then `npm rebuild vigil-keyboard-lock`' : 'install the platform build tools, then `npm rebuild vigil-keyboard-lock`' };
    }
    if (addon.mechanism !== 'x11') return { id: 'keyboard_lock', status: 'ok', summary: `keyboard lock built (${addon.mechanism})`, evidence: { mechanism: addon.mechanism } };
    if (!env.DISPLAY) return { id: 'keyboard_lock', status: 'warn', summary: 'keyboard lock built, but there is no X display to lock (DISPLAY is not set)', evidence: { mechanism: addon.mechanism, display: null }, fix: 'run Vigil in an X11 session' };
    const probe = addon.probe(env.DISPLAY);
    return probe.ok
      ? { id: 'keyboard_lock', status: 'ok', summary: `keyboard lock ready on X display ${env.DISPLAY}`, evidence: { mechanism: addon.mechanism, display: env.DISPLAY, vendor: probe.vendor ?? null } }
      : { id: 'keyboard_lock', status: 'warn', summary: `keyboard lock cannot open the X display: ${probe.error}`, evidence: { mechanism: addon.mechanism, display: env.DISPLAY, error: probe.error }, fix: 'check DISPLAY and that this user may connect to the X server' };
  },
};

export const cameraCheck = mediaCheck('camera', detectCamera);
export const microphoneCheck = mediaCheck('microphone', detectMicrophone);

export const defaultChecks: readonly Check[] = [
  nodeCheck, sqliteCheck, onnxRuntimeCheck, modelsCheck, dataFolderCheck, ffmpegCheck, evaluationDataCheck,
  vmCheck, prohibitedProcessesCheck, displaysCheck, remoteSessionCheck, inputHookCheck, keyboardLockCheck, cameraCheck, microphoneCheck,
];

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
