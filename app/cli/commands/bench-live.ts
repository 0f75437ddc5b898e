/**
 * `vigil bench live`: the real candidate app (browser shell, headless Debian Chromium) fed a recording as its
 * camera, through a real exam at the policy's rate; then `vigil analyze` on the same recording. Reports frames
 * analysed per second, the share dropped, capture-to-result latency, the CPU of the page and of the engine process
 * as shares of one core, and whether live and file agree. The last stdout line is one JSON object.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { dataSetDir } from '../../engine/paths';
import { CAMERA_FPS, SENSOR_NOISE } from '../../test/e2e/camera-file';
import { analyzedFileReport, compareReports, sitExam, storedLiveReport, type LiveReport } from '../../test/e2e/exam-driver';
import { launchApp, projectRoot, type RunningApp } from '../../test/e2e/launch';
import { benchGroup } from '../command-groups';
import { CliError, usageError, wholeNumberOption } from '../errors';

const DEFAULT_CLIP = 'gaze-video/center_left_center.mp4';
/**
 * The default clip's eyes turn at 5.5 s, inside the 6 s calibration window, so its camera starts with another real
 * clip of the same person at the same desk, eyes centred throughout (10.4 s): the session calibrates on that, and the
 * look-away comes after it. (Holding the first frame is a still picture, which liveness rightly takes for a photo;
 * playing the first seconds backwards is a palindrome, which the feed-integrity check rightly takes for a loop.)
 */
const DEFAULT_LEAD_IN = 'gaze-video/center_focus.mp4';
const CALIBRATION_SEC = 6;

export interface LiveBenchResult {
  shell: 'browser';
  transport: 'bytes' | 'json';
  video: string;
  /** The clip played before the recording (prepareMedia), and its seconds: 0 when there is none. */
  leadIn: string | null;
  leadInSec: number;
  size: string;
  fpsAsked: number;
  /** Frames the engine analysed per second of session. */
  fps: number;
  droppedShare: number;
  p50LatencyMs: number;
  p95LatencyMs: number;
  /**
   * Engine arrival to the alert rules taking the frame whole (its slower model back): the app is answered at the face
   * path, the rules get the frame this much later. Null when the report does not say (an engine without stages).
   */
  rulesP50LatencyMs: number | null;
  rulesP95LatencyMs: number | null;
  /** Page (Chromium's renderer processes) plus engine process, as a share of one core over the session. */
  cpuCoreShare: number;
  cpu: { page: number; engine: number; chromiumOther: number; shell: number };
  frames: { analysed: number; sent: number; dropped: number; refused: number };
  seconds: number;
  agreement: ReturnType<typeof compareReports>;
  load: number[];
}

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function durationOf(file: string): number {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  const seconds = Number(out.trim());
  if (!Number.isFinite(seconds) || seconds <= 0) throw new CliError(file, 'has no duration (not a video?)');
  return seconds;
}

/**
 * The recording as Chromium's fake camera wants it (640x480 Y4M, also what `vigil analyze` reads) and a silent
 * microphone, with the lead-in clip (if any) before it: the session calibrates on its first seconds. Live and file
 * both see this one file from its start.
 */
function prepareMedia(source: string, leadIn: string | null, dir: string): { camera: string; microphone: string; recording: string; seconds: number; leadInSec: number } {
  const camera = join(dir, 'camera.y4m');
  const microphone = join(dir, 'microphone.wav');
  const fit = `scale=640:480:force_original_aspect_ratio=increase,crop=640:480,fps=${CAMERA_FPS},setsar=1`;
  const inputs = leadIn ? ['-i', leadIn, '-i', source] : ['-i', source];
  const graph = leadIn ? `[0:v]${fit}[a];[1:v]${fit}[b];[a][b]concat=n=2:v=1[v]` : `[0:v]${fit}[v]`;
  ffmpeg([...inputs, '-an', '-filter_complex', graph, '-map', '[v]', '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', camera]);
  const leadInSec = leadIn ? durationOf(leadIn) : 0;
  const seconds = Math.floor((leadInSec + durationOf(source)) * 10) / 10;
  ffmpeg(['-f', 'lavfi', '-i', `anullsrc=r=48000:cl=mono`, '-t', String(seconds + 60), '-c:a', 'pcm_s16le', microphone]);
  return { camera, microphone, recording: camera, seconds, leadInSec: Math.round(leadInSec * 10) / 10 };
}

/** A face from @vladmandic/human's assets with a camera's noise: present, gone for 6 s, back (when ../shared is missing). */
function generatedClip(dir: string): string {
  const photo = join(projectRoot, 'node_modules', '@vladmandic', 'human', 'assets', 'screenshot-faceid.jpg');
  const out = join(dir, 'face-leaves.mp4');
  ffmpeg([
    '-f', 'lavfi', '-i', `color=c=0x9aa0a6:s=640x480:r=${CAMERA_FPS}:d=24`, '-loop', '1', '-framerate', String(CAMERA_FPS), '-i', photo,
    '-filter_complex', `[1:v]crop=170:128:15:140,scale=640:480,setsar=1[face];[0:v][face]overlay=x='if(between(t,12,18),W,0)':y=0:shortest=1,${SENSOR_NOISE}`,
    '-t', '24', '-c:v', 'libx264', '-crf', '18', '-pix_fmt', 'yuv420p', out,
  ]);
  return out;
}

/** CPU seconds of a process (user + system), or undefined once it is gone. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** This process's descendants, each named by what it is: Chromium's page renderers, the rest of Chromium, the engine, the shell. */
function processTree(enginePid: number): Map<number, 'page' | 'chromiumOther' | 'engine' | 'shell'> {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.split(') ')[1]!.split(' ')[1]));
    } catch {
      // gone
    }
  }
  const ours = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; p = parent.get(p) ?? 0, hops += 1) if (p === process.pid) return true;
    return false;
  };
  const kinds = new Map<number, 'page' | 'chromiumOther' | 'engine' | 'shell'>();
  for (const pid of parent.keys()) {
    if (pid === process.pid || !ours(pid)) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (pid === enginePid) kinds.set(pid, 'engine');
    else if (cmdline.includes('--type=renderer')) kinds.set(pid, 'page');
    else if (/chrom/i.test(cmdline)) kinds.set(pid, 'chromiumOther');
    else if (cmdline.includes('browser-shell')) kinds.set(pid, 'shell');
  }
  return kinds;
}

function sample(kinds: Map<number, string>): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of kinds.keys()) {
    const s = cpuSeconds(pid);
    if (s !== undefined) out.set(pid, s);
  }
  return out;
}

/** The candidate app's account of its frames, from the report's "Live session" note. */
function captureNote(report: LiveReport): { sent: number; asked: number; dropped: number; p50: number; p95: number } {
  const note = report.notes.find((n) => n.startsWith('Live session: ')) ?? '';
  const m = /sent (\d+) of (\d+) frames.*?; (\d+) dropped.*?p50 (\d+) ms, p95 (\d+) ms/.exec(note);
  if (!m) throw new CliError('bench live', `the report does not say what the candidate app sent ("${note}")`);
  return { sent: Number(m[1]), asked: Number(m[2]), dropped: Number(m[3]), p50: Number(m[4]), p95: Number(m[5]) };
}

export async function benchLive(options: { video?: string; fps: number; transport: 'bytes' | 'json' }, log: (line: string) => void): Promise<LiveBenchResult> {
  const work = mkdtempSync(join(tmpdir(), 'vigil-bench-live-'));
  let source = options.video;
  let leadIn: string | null = null;
  if (!source) {
    const clip = join(dataSetDir(), DEFAULT_CLIP);
    if (existsSync(clip)) {
      source = clip;
      leadIn = join(dataSetDir(), DEFAULT_LEAD_IN);
      if (!existsSync(leadIn)) throw new CliError(leadIn, 'is missing beside the default clip (evaluation data, VIGIL_DATA_DIR): the session would calibrate on the look-away');
    } else {
      log(`vigil: bench live: ${clip} is missing (evaluation data, VIGIL_DATA_DIR); using a clip made from @vladmandic/human's face photo`);
      source = generatedClip(work);
    }
  }
  if (!existsSync(source)) throw new CliError(source, 'no such file');
  const media = prepareMedia(source, leadIn, work);
  log(`bench live: ${leadIn ? `${leadIn} (${media.leadInSec} s) then ` : ''}${source} (${media.seconds} s in all) at ${options.fps} fps over the ${options.transport} transport`);
  execFileSync(process.execPath, [join(projectRoot, 'build', 'bundle.mjs')], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] });

  const site = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>Exam</title><h1>Question 1</h1>'));
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  // The machine's gates allowed, as in the e2e flows (this machine and CI are virtual machines): the comparison is
  // of the detectors, and a start-gate warning is live-only.
  const policy = {
    processingFps: options.fps,
    calibration: { seconds: CALIBRATION_SEC },
    detectors: { identity: false, audio: false },
    allowedOrigins: [`http://127.0.0.1:${(site.address() as AddressInfo).port}/`],
    os: { virtualMachine: 'allow', remoteSession: 'allow' },
  };
  let app: RunningApp | undefined;
  try {
    app = await launchApp({ capture: { video: media.camera, audio: media.microphone } });
    const running = app;
    if (options.transport === 'json') await running.open('?frames=json');
    const enginePid = await running.page.evaluate(async () => (await window.vigil!.invoke('engine.health', {})).pid);
    let before = new Map<number, number>();
    let after = new Map<number, number>();
    let kinds = new Map<number, 'page' | 'chromiumOther' | 'engine' | 'shell'>();
    let measuredMs = 0;
    const sat = await sitExam(running, policy, media.seconds - 0.3, {
      // Measured over the whole session (calibration and exam), as the frames are.
      onSessionStarted: () => {
        kinds = processTree(enginePid);
        before = sample(kinds);
        measuredMs = performance.now();
      },
      beforeFinish: () => {
        after = sample(kinds);
        measuredMs = performance.now() - measuredMs;
      },
    });
    const cpu = { page: 0, engine: 0, chromiumOther: 0, shell: 0 };
    for (const [pid, kind] of kinds) {
      const a = before.get(pid);
      const b = after.get(pid);
      if (a !== undefined && b !== undefined) cpu[kind] += (b - a) / (measuredMs / 1000);
    }
    const live = storedLiveReport(running, sat.sessionId);
    const fileReport = analyzedFileReport(running, media.recording, policy, { dir: work, fps: options.fps });
    const capture = captureNote(live);
    const rulesNote = /^Frames reached the alert rules .*? p50 (\d+) ms, p95 (\d+) ms/.exec(live.notes.find((n) => n.startsWith('Frames reached the alert rules')) ?? '');
    const refusedNote = live.notes.find((n) => n.startsWith('Frames refused by the engine: '));
    const refused = refusedNote ? [...refusedNote.matchAll(/(\d+) \w+/g)].reduce((a, m) => a + Number(m[1]), 0) : 0;
    const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'live-report.json'), JSON.stringify(live, null, 2));
    return {
      shell: 'browser',
      transport: options.transport,
      video: source,
      leadIn,
      leadInSec: media.leadInSec,
      size: options.transport === 'json' ? '320x240' : '640x480',
      fpsAsked: options.fps,
      fps: round(live.media.framesAnalysed / live.durationSec, 2),
      droppedShare: round(capture.asked ? capture.dropped / capture.asked : 0),
      p50LatencyMs: capture.p50,
      p95LatencyMs: capture.p95,
      rulesP50LatencyMs: rulesNote ? Number(rulesNote[1]) : null,
      rulesP95LatencyMs: rulesNote ? Number(rulesNote[2]) : null,
      cpuCoreShare: round(cpu.page + cpu.engine),
      cpu: { page: round(cpu.page), engine: round(cpu.engine), chromiumOther: round(cpu.chromiumOther), shell: round(cpu.shell) },
      frames: { analysed: live.media.framesAnalysed, sent: capture.sent, dropped: capture.dropped, refused },
      seconds: round(live.durationSec, 1),
      agreement: compareReports(live, fileReport, live.durationSec),
      load: loadavg().map((l) => round(l, 2)),
    };
  } finally {
    await app?.close();
    site.close();
  }
}

export function registerBenchLive(program: Command): void {
  benchGroup(program)
    .command('live')
    .description('the candidate app in headless Chromium fed a recording as its camera through a real exam: analysed fps, dropped share, latency, CPU, and agreement with `vigil analyze`')
    .option('--json', 'print only the JSON object')
    .option('--video <file>', `the recording (default: ${DEFAULT_CLIP} in the evaluation data)`)
    .option('--fps <n>', 'the policy\'s processing rate', '12')
    .option('--transport <bytes|json>', 'frames as bytes (now) or base64 JSON at 320x240 (before), to compare', 'bytes')
    .action(async (options: { json?: boolean; video?: string; fps: string; transport: string }) => {
      const fps = wholeNumberOption('--fps', options.fps, 1, 30);
      if (options.transport !== 'bytes' && options.transport !== 'json') throw usageError('--transport', `must be bytes or json, not "${options.transport}"`);
      const result = await benchLive({ video: options.video, fps, transport: options.transport }, (line) => process.stderr.write(`${line}\n`));
      if (!options.json) {
        process.stdout.write(`live (${result.transport}, ${result.size}): ${result.fps} of ${result.fpsAsked} fps analysed, ${(result.droppedShare * 100).toFixed(1)} % dropped, latency p50 ${result.p50LatencyMs} ms p95 ${result.p95LatencyMs} ms (rules p95 ${result.rulesP95LatencyMs ?? '?'} ms), CPU page ${result.cpu.page} + engine ${result.cpu.engine} = ${result.cpuCoreShare} of a core; live vs file: alerts ${result.agreement.sameAlerts ? 'same' : 'differ'}, risk ${result.agreement.sameRisk ? 'same' : 'differs'} (load ${result.load.join(' ')})\n`);
      }
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
