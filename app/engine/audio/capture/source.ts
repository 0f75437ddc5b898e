/**
 * The engine's port for live audio. The main process implements it (naudiodon, app/adapters/microphone-*.ts);
 * files implement it here (file-source.ts), so the CLI, tests and the live exam share one path.
 */
export interface AudioChunk {
  /** Session-clock time of samples[0], seconds. */
  readonly t: number;
  /** 16 kHz mono, [-1, 1]. */
  readonly samples: Float32Array;
}

export type AudioDeviceEvent =
  | { readonly type: 'mic_lost'; readonly t: number; readonly device: string; readonly reason: string }
  | { readonly type: 'mic_back'; readonly t: number; readonly device: string };

export interface AudioSink {
  chunk(chunk: AudioChunk): void;
  event(event: AudioDeviceEvent): void;
}

export interface AudioDevice {
  readonly id: number;
  readonly name: string;
  readonly hostApi: string;
  readonly maxInputChannels: number;
  readonly defaultSampleRate: number;
  readonly isDefault: boolean;
}

export interface AudioSource {
  /** Starts delivering chunks; rejects with one clear message when it cannot (no device, unreadable file). */
  start(sink: AudioSink): Promise<void>;
  stop(): Promise<void>;
}

/** A source with input devices to choose from: the microphone. */
export interface AudioInputDevices {
  listDevices(): AudioDevice[];
}

export class NoInputDeviceError extends Error {
  constructor(detail: string) {
    super(`microphone: ${detail}`);
    this.name = 'NoInputDeviceError';
  }
}

/** The input device to use: the one whose id or name (case-insensitive substring) matches, else the default. */
export function chooseInputDevice(devices: readonly AudioDevice[], wanted?: number | string): AudioDevice {
  const inputs = devices.filter((d) => d.maxInputChannels > 0);
  if (inputs.length === 0) throw new NoInputDeviceError('no input device found (is a microphone connected and allowed?)');
  if (wanted === undefined) return inputs.find((d) => d.isDefault) ?? inputs[0]!;
  const match = typeof wanted === 'number' ? inputs.find((d) => d.id === wanted) : inputs.find((d) => d.name.toLowerCase().includes(wanted.toLowerCase()));
  if (!match) throw new NoInputDeviceError(`no input device matches "${wanted}"; inputs: ${inputs.map((d) => `${d.id} ${d.name}`).join(', ')}`);
  return match;
}
