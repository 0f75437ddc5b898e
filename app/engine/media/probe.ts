/**
 * Asks ffprobe (the system one, on PATH) what a media file holds: duration, and its first video and audio
 * streams. A missing, empty or non-media file gives one MediaError naming the file and the problem.
 */
import { statSync } from 'node:fs';
import { z } from 'zod';
import { runTool, type ToolRun } from './tool-process';

export class MediaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MediaError';
  }
}

export interface MediaInfo {
  path: string;
  durationSec: number;
  /** width x height as stored; `rotation` (degrees) is the display rotation ffmpeg applies when decoding. */
  video: { width: number; height: number; fps: number; codec: string; rotation: number } | null;
  audio: { sampleRate: number; channels: number; codec: string } | null;
}

const Probe = z.object({
  streams: z.array(z.object({ codec_type: z.string(), codec_name: z.string().optional(), width: z.number().optional(), height: z.number().optional(), avg_frame_rate: z.string().optional(), r_frame_rate: z.string().optional(), sample_rate: z.string().optional(), channels: z.number().optional(), duration: z.string().optional(), disposition: z.object({ attached_pic: z.number().optional() }).optional(), side_data_list: z.array(z.object({ rotation: z.number().optional() }).passthrough()).optional(), tags: z.object({ rotate: z.string().optional() }).passthrough().optional() })),
  format: z.object({ duration: z.string().optional(), format_name: z.string().optional() }),
});

function rate(text: string | undefined): number {
  if (!text) return 0;
  const [n, d] = text.split('/').map(Number);
  return d ? n! / d : (n ?? 0);
}

export async function probeMedia(path: string): Promise<MediaInfo> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw new MediaError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (size === 0) throw new MediaError(`${path}: the file is empty`);
  let run: ToolRun;
  try {
    run = await runTool('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path], { timeoutMs: 30_000 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new MediaError('ffprobe: not found on PATH; install ffmpeg (Debian: apt-get install ffmpeg)');
    throw error;
  }
  if (run.code !== 0) {
    const reason = run.signal ? `ffprobe did not answer within 30 s` : run.stderr.trim().split('\n').at(-1) || 'ffprobe could not read it';
    throw new MediaError(`${path}: not a readable media file (${reason.replace(`${path}: `, '')})`);
  }
  const stdout = run.stdout.toString('utf8');
  const parsed = Probe.safeParse(JSON.parse(stdout));
  if (!parsed.success) throw new MediaError(`${path}: ffprobe gave an unexpected answer`);
  const { streams, format } = parsed.data;
  const v = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const a = streams.find((s) => s.codec_type === 'audio');
  if (!v && !a) throw new MediaError(`${path}: holds neither video nor audio`);
  const isImage = !!v && /image2|png_pipe|jpeg_pipe|webp_pipe|bmp_pipe/.test(format.format_name ?? '');
  const duration = Number(format.duration ?? v?.duration ?? a?.duration ?? 0);
  return {
    path,
    durationSec: isImage ? 0 : Number.isFinite(duration) ? duration : 0,
    video: v ? { width: v.width ?? 0, height: v.height ?? 0, fps: rate(v.avg_frame_rate) || rate(v.r_frame_rate), codec: v.codec_name ?? '?', rotation: Number(v.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? v.tags?.rotate ?? 0) || 0 } : null,
    audio: a ? { sampleRate: Number(a.sample_rate ?? 0), channels: a.channels ?? 0, codec: a.codec_name ?? '?' } : null,
  };
}
