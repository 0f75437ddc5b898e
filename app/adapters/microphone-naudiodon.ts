/**
 * The microphone for the engine's AudioSource port, through naudiodon (PortAudio), in the main process:
 * 16 kHz mono float from the chosen input device, device listing, and `mic_lost` / `mic_back` when the device
 * stops delivering (unplugged, server gone) and when it delivers again. After a loss it polls the device list
 * and reopens the same device by name; capture never throws into the exam, it reports events.
 */
import { createRequire } from 'node:module';
import type * as Naudiodon from 'naudiodon';
import { chooseInputDevice, NoInputDeviceError, type AudioDevice, type AudioInputDevices, type AudioSink, type AudioSource } from '../engine/audio/capture/source';

const require = createRequire(import.meta.url);
const RATE = 16_000;
const STARTUP_GRACE_SEC = 5;
/** Sound-card and system clocks drift apart (~0.01 %, about a second in a long exam): re-anchor beyond this
 * (well above the delivery jitter of a busy event loop, which must not make a gap). */
const MAX_DRIFT_SEC = 2;

export interface MicrophoneOptions {
  /** Device id or part of its name; default: the system's default input. */
  readonly device?: number | string;
  /** Session clock in seconds (default: seconds since start). */
  readonly clock?: () => number;
  /** No data for this long means the device is lost (default 2 s). */
  readonly lostAfterSec?: number;
  /** How often to look for the device again after a loss. */
  readonly retrySec?: number;
  /** Samples per delivered chunk. */
  readonly framesPerBuffer?: number;
}

function loadNaudiodon(): typeof Naudiodon {
  try {
    return require('naudiodon') as typeof Naudiodon;
  } catch (error) {
    throw new NoInputDeviceError(`audio capture is unavailable: naudiodon does not load (${(error as Error).message.split('\n')[0]}); run \`npm rebuild naudiodon\``);
  }
}

export class NaudiodonMicrophone implements AudioSource, AudioInputDevices {
  private readonly pa = loadNaudiodon();
  private io: Naudiodon.IoStreamRead | null = null;
  private sink: AudioSink | null = null;
  private device: AudioDevice | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private lastData = 0;
  private lost = false;
  private retryAt = 0;
  /** Session time of the next sample: anchored to the clock at (re)start, then advanced by samples received. */
  private nextT = 0;
  private anchored = false;
  private readonly started = performance.now();
  private readonly clock: () => number;

  constructor(private readonly options: MicrophoneOptions = {}) {
    this.clock = options.clock ?? (() => (performance.now() - this.started) / 1000);
  }

  listDevices(): AudioDevice[] {
    const hostApis = this.pa.getHostAPIs();
    const defaults = new Set(hostApis.HostAPIs.map((h) => h.defaultInput));
    return this.pa.getDevices().map((d) => ({
      id: d.id,
      name: d.name,
      hostApi: d.hostAPIName,
      maxInputChannels: d.maxInputChannels,
      defaultSampleRate: d.defaultSampleRate,
      // ALSA's "default" is what the desktop chose (PulseAudio / PipeWire); PortAudio's own default index otherwise.
      isDefault: d.name === 'default' || defaults.has(d.id),
    }));
  }

  async start(sink: AudioSink): Promise<void> {
    this.sink = sink;
    this.device = chooseInputDevice(this.listDevices(), this.options.device);
    this.open(this.device);
    this.watchdog = setInterval(() => this.check(), 200);
    this.watchdog.unref();
  }

  async stop(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    this.sink = null;
    await this.close();
  }

  get currentDevice(): AudioDevice | null {
    return this.device;
  }

  private open(device: AudioDevice): void {
    const io = this.pa.AudioIO({
      inOptions: { channelCount: 1, sampleFormat: this.pa.SampleFormatFloat32, sampleRate: RATE, deviceId: device.id, closeOnError: false, framesPerBuffer: this.options.framesPerBuffer ?? 1600, maxQueue: 50 },
    });
    io.on('data', (buffer: Buffer) => this.onData(buffer));
    io.on('error', (error: Error) => this.markLost(`stream error: ${error.message}`));
    io.start();
    this.io = io;
    // maxQueue 50 (5 s): a busy engine must not make the driver drop audio; naudiodon's default is 2 buffers.
    // The first buffer can take a while (ALSA plugins start up): allow a longer grace before calling it lost.
    this.lastData = performance.now() + STARTUP_GRACE_SEC * 1000;
    this.anchored = false;
  }

  private close(): Promise<void> {
    const io = this.io;
    this.io = null;
    if (!io) return Promise.resolve();
    return new Promise((resolve) => {
      // quit, not abort: naudiodon 2.3.6's abort() throws ("Quit expects 1 argument") and leaves the stream
      // running. A device that is already gone may never confirm; never let that hold up the exam.
      const timer = setTimeout(resolve, 1000);
      try {
        io.quit(() => {
          clearTimeout(timer);
          resolve();
        });
      } catch {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  private onData(buffer: Buffer): void {
    if (!this.sink) return;
    this.lastData = performance.now();
    const samples = new Float32Array(Math.floor(buffer.length / 4));
    new Uint8Array(samples.buffer).set(buffer.subarray(0, samples.length * 4));
    const endingNow = Math.max(0, this.clock() - samples.length / RATE);
    if (!this.anchored || Math.abs(endingNow - this.nextT) > MAX_DRIFT_SEC) {
      // The first buffer after (re)opening, or drift: place it on the session clock, ending now.
      this.nextT = endingNow;
      this.anchored = true;
    }
    if (this.lost) {
      this.lost = false;
      this.sink.event({ type: 'mic_back', t: this.nextT, device: this.device?.name ?? 'unknown' });
    }
    this.sink.chunk({ t: this.nextT, samples });
    this.nextT += samples.length / RATE;
  }

  private markLost(reason: string): void {
    if (this.lost || !this.sink) return;
    this.lost = true;
    this.retryAt = performance.now() + (this.options.retrySec ?? 1) * 1000;
    this.sink.event({ type: 'mic_lost', t: this.clock(), device: this.device?.name ?? 'unknown', reason });
    void this.close();
  }

  private check(): void {
    const now = performance.now();
    if (!this.lost) {
      if (now - this.lastData > (this.options.lostAfterSec ?? 2) * 1000) this.markLost(`no audio for ${this.options.lostAfterSec ?? 2} s`);
      return;
    }
    if (this.io && now - this.lastData > (this.options.lostAfterSec ?? 2) * 1000) void this.close(); // reopened but silent: retry
    if (now < this.retryAt || this.io) return;
    this.retryAt = now + (this.options.retrySec ?? 1) * 1000;
    try {
      const again = this.listDevices().find((d) => d.name === this.device?.name && d.maxInputChannels > 0);
      if (again) {
        this.device = again;
        this.open(again); // mic_back is sent with the first data, not on open: a device can open and stay silent.
      }
    } catch {
      // Still gone (or not openable yet); try again later.
      this.io = null;
    }
  }
}
