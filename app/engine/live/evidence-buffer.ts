/**
 * The live session's evidence recorder: the candidate app sends short, self-contained video segments
 * (MediaRecorder restarted every few seconds); each is stored at once (in the session's store, with its
 * sha256: live-record.ts), so a crash loses nothing, and removed once it is older than the rolling window unless
 * it overlaps a range to keep (a flagged interval or a critical alert, with pre- and post-roll). It fills the
 * engine's EvidenceRecorder port, so the report keeps clips only for flagged moments.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTool } from '../media/tool-process';
import type { EvidenceClip, EvidenceRecorder } from '../ports';

export interface EvidenceSegment {
  start: number;
  end: number;
  mime: string;
  bytes: Uint8Array;
}

/** A segment where the keeper put it. */
export interface StoredSegment {
  id: number;
  start: number;
  end: number;
  mime: string;
}

/** Where segments are kept as they arrive: the session's store (live-record.ts) in the engine. */
export interface SegmentKeeper {
  add(segment: EvidenceSegment): number;
  read(id: number): Uint8Array;
  remove(id: number): void;
  /**
   * A held segment a flag now keeps: sent to the session's server while the exam runs (live-record.ts queues it,
   * once), so flagged video reaches the institution before the finish. Optional: a keeper without a server has none.
   */
  share?(id: number): void;
}

export interface Range {
  start: number;
  end: number;
}

export class LiveEvidenceBuffer implements EvidenceRecorder {
  private readonly segments: StoredSegment[];
  private readonly keepRanges: Range[] = [];
  private readonly shared = new Set<number>();

  /**
   * `dir`: scratch space for joining segments into a clip; `rollingSec`: how much unflagged video is held,
   * enough for the pre-roll of a flag raised now; `held`: segments already kept (a resumed session's).
   */
  constructor(
    readonly dir: string,
    private readonly rollingSec: number,
    private readonly keeper: SegmentKeeper,
    held: readonly StoredSegment[] = [],
  ) {
    this.segments = [...held];
  }

  add(segment: EvidenceSegment, now: number): void {
    if (!(segment.end > segment.start) || segment.bytes.byteLength === 0) return;
    const id = this.keeper.add(segment);
    const stored = { id, start: segment.start, end: segment.end, mime: segment.mime };
    this.segments.push(stored);
    if (this.keepRanges.some((r) => overlaps(stored, r))) this.share(stored);
    this.prune(now);
  }

  /** Marks a range whose video must be kept; ranges only grow, a flag is never taken back. */
  keep(range: Range): void {
    this.keepRanges.push(range);
    for (const s of this.segments) if (overlaps(s, range)) this.share(s);
  }

  private share(segment: StoredSegment): void {
    if (this.shared.has(segment.id)) return;
    this.shared.add(segment.id);
    this.keeper.share?.(segment.id);
  }

  /** Seconds of video held, and how many segments. */
  get held(): { segments: number; seconds: number } {
    return { segments: this.segments.length, seconds: this.segments.reduce((s, x) => s + (x.end - x.start), 0) };
  }

  prune(now: number): void {
    for (let i = this.segments.length - 1; i >= 0; i -= 1) {
      const s = this.segments[i]!;
      if (s.end >= now - this.rollingSec || this.keepRanges.some((r) => overlaps(s, r))) continue;
      this.keeper.remove(s.id);
      this.segments.splice(i, 1);
    }
  }

  async clip(start: number, end: number): Promise<EvidenceClip | null> {
    const parts = this.segments.filter((s) => overlaps(s, { start, end })).sort((a, b) => a.start - b.start);
    if (parts.length === 0) return null;
    const first = parts[0]!;
    const last = parts.at(-1)!;
    if (parts.length === 1) return { bytes: this.keeper.read(first.id), mime: first.mime, start: Math.max(start, first.start), end: Math.min(end, first.end) };
    mkdirSync(this.dir, { recursive: true });
    const files = parts.map((p) => {
      const file = join(this.dir, `segment-${p.id}${extensionOf(p.mime)}`);
      writeFileSync(file, this.keeper.read(p.id));
      return file;
    });
    // A segment the recorder cut short (the exam finished mid-segment, under load) may not be readable: the clip is
    // joined from the others rather than failing the whole finish, and its own bytes stay stored with the session.
    const readable = (await Promise.all(files.map(async (file) => ((await hasAudio(file).then(() => true, () => false)) ? file : null)))).filter((f): f is string => f !== null);
    if (readable.length === 0) throw new Error(`none of the ${files.length} evidence segments for ${start.toFixed(1)}-${end.toFixed(1)} s can be read`);
    const bytes = readable.length === 1 ? new Uint8Array(readFileSync(readable[0]!)) : await concatenate(readable, this.dir);
    for (const file of files) rmSync(file, { force: true });
    return { bytes, mime: first.mime, start: Math.max(start, first.start), end: Math.min(end, last.end) };
  }

  /** Removes what is still held and the scratch folder: called once the report and its clips are stored. */
  dispose(): void {
    for (const s of this.segments.splice(0)) this.keeper.remove(s.id);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function overlaps(a: Range, b: Range): boolean {
  return a.start < b.end && b.start < a.end;
}

function extensionOf(mime: string): string {
  return mime.includes('mp4') ? '.mp4' : '.webm';
}

/**
 * Joins self-contained segments into one clip. MediaRecorder's files carry no duration, so the concat demuxer
 * cannot place them on one timeline; the concat filter decodes each and re-encodes the whole (small: a few
 * seconds at camera-preview size). Audio is kept when every segment has it.
 */
async function concatenate(files: string[], dir: string): Promise<Uint8Array> {
  const audio = (await Promise.all(files.map(hasAudio))).every(Boolean);
  const inputs = files.flatMap((f) => ['-i', f]);
  const pads = files.map((_, i) => (audio ? `[${i}:v:0][${i}:a:0]` : `[${i}:v:0]`)).join('');
  const filter = `${pads}concat=n=${files.length}:v=1:a=${audio ? 1 : 0}${audio ? '[v][a]' : '[v]'}`;
  const out = join(dir, `clip-${Date.now()}.webm`);
  const args = ['-v', 'error', '-y', ...inputs, '-filter_complex', filter, '-map', '[v]', ...(audio ? ['-map', '[a]', '-c:a', 'libopus', '-b:a', '48k'] : []), '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', out];
  await run('ffmpeg', args, `cannot join ${files.length} evidence segments`);
  const bytes = new Uint8Array(readFileSync(out));
  rmSync(out, { force: true });
  return bytes;
}

function hasAudio(file: string): Promise<boolean> {
  return run('ffprobe', ['-v', 'error', '-select_streams', 'a', '-show_entries', 'stream=index', '-of', 'csv=p=0', file], `cannot read ${file}`).then((out) => out.trim().length > 0);
}

async function run(command: string, args: string[], what: string): Promise<string> {
  const result = await runTool(command, args, { timeoutMs: 120_000 }).catch((error: Error) => {
    throw new Error(`${what} (${error.message})`);
  });
  if (result.code !== 0) throw new Error(`${what} (${result.signal ? `${command} took more than 120 s` : result.stderr.trim().split('\n').at(-1) || `${command} exited with ${result.code}`})`);
  return result.stdout.toString('utf8');
}
