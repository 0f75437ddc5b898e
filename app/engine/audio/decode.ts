/**
 * The file source: any media ffmpeg can decode (WAV, MP3, a video's sound track...) becomes 16 kHz mono
 * float samples, the one format the rest of audio/ reads. ffmpeg does the resampling and down-mixing, so a
 * file at the wrong rate or with several channels is converted, never rejected.
 */
import { existsSync, statSync } from 'node:fs';
import { runTool, type ToolRun } from '../media/tool-process';
import { SAMPLE_RATE } from './pcm';

/** An input problem with one line naming the file and what is wrong (the CLI prints it as `vigil: <file>: <problem>`). */
export class AudioInputError extends Error {
  constructor(
    readonly thing: string,
    readonly problem: string,
  ) {
    super(`${thing}: ${problem}`);
    this.name = 'AudioInputError';
  }
}

export interface DecodeOptions {
  /** Start offset and maximum duration in seconds, to read part of a long file. */
  readonly startSec?: number;
  readonly durationSec?: number;
  readonly ffmpegPath?: string;
}

export async function decodeAudioFile(path: string, options: DecodeOptions = {}): Promise<Float32Array> {
  if (!existsSync(path)) throw new AudioInputError(path, 'no such file');
  if (statSync(path).isDirectory()) throw new AudioInputError(path, 'is a folder, not a media file');
  const args = ['-nostdin', '-hide_banner', '-v', 'error'];
  if (options.startSec !== undefined) args.push('-ss', String(options.startSec));
  if (options.durationSec !== undefined) args.push('-t', String(options.durationSec));
  args.push('-i', path, '-vn', '-map', '0:a:0', '-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 'f32le', 'pipe:1');

  let run: ToolRun;
  try {
    run = await runTool(options.ffmpegPath ?? 'ffmpeg', args);
  } catch (error) {
    throw new AudioInputError('ffmpeg', `cannot run it (${(error as Error).message}); install ffmpeg to read media files`);
  }
  const { code, stdout, stderr } = run;
  if (code !== 0) {
    const first = stderr.split('\n').find((l) => l.trim().length > 0) ?? `ffmpeg exited with ${code}`;
    const problem = /matches no streams|does not contain any stream/i.test(stderr) ? 'has no audio track' : `cannot be decoded (${first.trim()})`;
    throw new AudioInputError(path, problem);
  }
  if (stdout.length < 4) throw new AudioInputError(path, 'has no audio samples');
  // Copy into an aligned buffer: Buffer slices may start at any byte offset.
  const samples = new Float32Array(Math.floor(stdout.length / 4));
  new Uint8Array(samples.buffer).set(stdout.subarray(0, samples.length * 4));
  return samples;
}
