/**
 * The real microphone path: a private PulseAudio server with a null sink; espeak-ng speech is played into the
 * sink and naudiodon records the sink's monitor through ALSA's pulse plugin, as it would a microphone.
 * Killing the server makes the device vanish mid-capture; starting it again brings it back.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeAudio } from '../engine/audio/analyze';
import { AudioAnalyzer } from '../engine/audio/analyzer';
import { CaptureSession } from '../engine/audio/capture/capture-session';
import type { AudioDeviceEvent } from '../engine/audio/capture/source';
import { SpeechFixtures, TEXT, VOICE_A } from '../engine/audio/testing/speech-fixtures';
import { SileroVad } from '../engine/audio/vad';
import { requireTool } from '../engine/signals/testing/x-server';
import { NaudiodonMicrophone } from './microphone-naudiodon';

const runtime = mkdtempSync(join(tmpdir(), 'vigil-pulse-'));
const env = { ...process.env, XDG_RUNTIME_DIR: runtime, PULSE_SERVER: `unix:${join(runtime, 'pulse', 'native')}` };
let server: ChildProcess | null = null;

/**
 * Starts the private PulseAudio server and waits until it answers. Missing test infrastructure is a failure that
 * says what is missing (signals/testing/x-server.ts), never a skipped test: a machine without PulseAudio would
 * otherwise report the microphone path as passing without having run it.
 */
async function startPulse(): Promise<void> {
  for (const tool of ['pulseaudio', 'pactl', 'paplay']) requireTool(tool);
  const child = spawn('pulseaudio', ['-n', '--daemonize=no', '--exit-idle-time=-1', '--disallow-exit', '--load=module-native-protocol-unix', '--load=module-null-sink sink_name=vigil_null', '--log-target=stderr', '--log-level=error'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  server = child;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let failed: string | null = null;
  child.once('error', (e) => (failed = e.message));
  for (let i = 0; i < 50; i++) {
    if (failed !== null || child.exitCode !== null) break;
    if (spawnSync('pactl', ['info'], { env }).status === 0) {
      const source = spawnSync('pactl', ['set-default-source', 'vigil_null.monitor'], { env, encoding: 'utf8' });
      if (source.status !== 0) throw new Error(`PulseAudio started, but its null sink's monitor cannot be the default source: ${source.stderr.trim()}`);
      return;
    }
    await sleep(100);
  }
  await stopPulse();
  const why = failed ?? (child.exitCode !== null ? `it exited with code ${child.exitCode}` : 'it did not answer `pactl info` within 5 s');
  throw new Error(`PulseAudio could not be started for the microphone tests (${why})${stderr.trim() ? `: ${stderr.trim()}` : ''}; it is in .ci/run's packages (pulseaudio, pulseaudio-utils, libasound2-plugins)`);
}

async function stopPulse(): Promise<void> {
  const s = server;
  server = null;
  if (!s || s.exitCode !== null) return;
  const exited = new Promise((resolve) => s.once('exit', resolve));
  s.kill('SIGKILL');
  await exited;
}

describe('the naudiodon microphone (PulseAudio null sink)', () => {
  const fx = new SpeechFixtures();
  let vad: SileroVad;
  let speech: string;

  beforeAll(async () => {
    process.env.XDG_RUNTIME_DIR = env.XDG_RUNTIME_DIR;
    process.env.PULSE_SERVER = env.PULSE_SERVER;
    await startPulse();
    vad = await SileroVad.load();
    speech = fx.speak('mic.wav', VOICE_A, TEXT.candidate);
  });
  afterAll(async () => {
    await vad?.release();
    await stopPulse();
  });

  it('lists the input devices and picks the default one', () => {
    const mic = new NaudiodonMicrophone();
    const devices = mic.listDevices();
    expect(devices.some((d) => d.maxInputChannels > 0)).toBe(true);
    expect(devices.find((d) => d.isDefault)?.name).toBe('default');
  });

  it('records speech played into the sink at 16 kHz mono, on a gapless clock, and finds it', async () => {
    const reference = await analyzeAudio(speech, { vad });
    const analyzer = new AudioAnalyzer(vad);
    const session = new CaptureSession(analyzer);
    const chunks: { t: number; n: number }[] = [];
    const mic = new NaudiodonMicrophone();
    await mic.start({ chunk: (c) => { chunks.push({ t: c.t, n: c.samples.length }); session.chunk(c); }, event: (e) => session.event(e) });
    // paplay runs beside us (not spawnSync: a blocked event loop would hold up capture buffers).
    const played = await new Promise<number | null>((resolve) => spawn('paplay', ['--device=vigil_null', speech], { env, stdio: 'ignore' }).on('exit', resolve));
    await sleep(500);
    await mic.stop();
    await session.finish();
    expect(played).toBe(0);
    expect(session.events).toEqual([]);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.t).toBeCloseTo(chunks[i - 1]!.t + chunks[i - 1]!.n / 16000, 6);
    // Same speech as in the file, and as long: a wrong rate would stretch or shrink it.
    const heard = analyzer.segments.reduce((a, s) => a + s.end - s.start, 0);
    const expected = reference.segments.reduce((a, s) => a + s.end - s.start, 0);
    expect(heard).toBeGreaterThan(expected - 0.6);
    expect(heard).toBeLessThan(expected + 0.6);
  });

  it('sends mic_lost when the device vanishes and mic_back when it returns, and keeps going', async () => {
    const events: AudioDeviceEvent[] = [];
    const analyzer = new AudioAnalyzer(vad);
    const session = new CaptureSession(analyzer, (e) => events.push(e));
    const mic = new NaudiodonMicrophone({ lostAfterSec: 0.6, retrySec: 0.3 });
    await mic.start(session);
    await sleep(800);
    await stopPulse();
    for (let i = 0; i < 40 && !events.some((e) => e.type === 'mic_lost'); i++) await sleep(100);
    await startPulse();
    for (let i = 0; i < 80 && !events.some((e) => e.type === 'mic_back'); i++) await sleep(100);
    await mic.stop();
    await session.finish();
    expect(events.map((e) => e.type)).toEqual(['mic_lost', 'mic_back']);
    expect(events[1]!.t).toBeGreaterThan(events[0]!.t);
    expect(session.errors).toEqual([]);
  });
});

// Where a sound card exists its device stays in ALSA whatever the configuration: there is no "no device" to test.
describe.skipIf(existsSync('/proc/asound/card0'))('the naudiodon microphone without any input device', () => {
  it('fails to start with one clear line, and does not crash', () => {
    if (!existsSync('/usr/share/alsa/alsa.conf')) throw new Error("/usr/share/alsa/alsa.conf is missing: apt-get install libasound2-data (naudiodon's ALSA needs it)");
    // ALSA's own configuration without the system and user additions (the PulseAudio plugin among them):
    // on a machine without a sound card, as CI is, that leaves no input device at all.
    const dir = mkdtempSync(join(tmpdir(), 'vigil-noalsa-'));
    const base = readFileSync('/usr/share/alsa/alsa.conf', 'utf8');
    const start = base.indexOf('@hooks [');
    writeFileSync(join(dir, 'asound.conf'), base.slice(0, start) + base.slice(base.indexOf('\n]\n', start) + 3));
    const script = `import('${join(import.meta.dirname, 'microphone-naudiodon.ts')}').then(async ({ NaudiodonMicrophone }) => {
      try { await new NaudiodonMicrophone().start({ chunk() {}, event() {} }); console.log('STARTED'); }
      catch (e) { console.log('ERROR ' + e.message); }
    });`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, ALSA_CONFIG_PATH: join(dir, 'asound.conf'), PULSE_SERVER: 'unix:/nonexistent' }, cwd: join(import.meta.dirname, '..', '..') });
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('ERROR microphone: no input device found (is a microphone connected and allowed?)');
  });
});
