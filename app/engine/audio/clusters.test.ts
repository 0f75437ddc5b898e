import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioAnalyzer } from './analyzer';
import { analyzeAudio } from './analyze';
import { SpeechPieces, clusterPieces, type PieceOptions } from './clusters';
import { decodeAudioFile } from './decode';
import { enrolVoice } from './enrol';
import { GaussianStats } from './gaussian';
import { DEFAULT_VOICE_THRESHOLDS } from './thresholds';
import { SpeechFixtures, TEXT } from './testing/speech-fixtures';
import { SileroVad } from './vad';
import { FRAME_SEC, VOICE_DIMS, VOICE_FIRST } from './voices';

/** Two espeak-ng voices of different timbre and pitch, and a third sentence for the first voice. */
const MALE = ['-v', 'en+m3', '-p', '30', '-s', '150'];
const FEMALE = ['-v', 'en+f4', '-p', '75', '-s', '160'];
const MORE = 'After that I will check the boundary conditions and write the final answer in the box at the bottom of the page.';

const fx = new SpeechFixtures();
let vad: SileroVad;
const files = {} as Record<'male' | 'maleMore' | 'female' | 'oneSpeaker' | 'turns', string>;

const pieceOptions: PieceOptions = { pieceSec: DEFAULT_VOICE_THRESHOLDS.pieceSec, gapSec: 0.3, frameSec: FRAME_SEC, maxPieces: 80 };

/** The Gaussians of a file's speech, cut into pieces as the analyzer cuts them. */
async function piecesOf(path: string): Promise<GaussianStats[]> {
  const analyzer = new AudioAnalyzer(vad, { keepSpeechFrames: true });
  await analyzer.push(await decodeAudioFile(path));
  await analyzer.finish();
  const pieces = new SpeechPieces(pieceOptions, VOICE_FIRST, VOICE_DIMS);
  analyzer.speechFrames.forEach((f, i) => pieces.add(i * FRAME_SEC, 0, f));
  return pieces.current().map((p) => p.stats);
}

beforeAll(async () => {
  vad = await SileroVad.load();
  files.male = fx.speak('male.wav', MALE, TEXT.candidate);
  files.maleMore = fx.speak('male-more.wav', MALE, MORE);
  files.female = fx.speak('female.wav', FEMALE, TEXT.other);
  files.oneSpeaker = fx.concat('one-speaker.wav', files.male, files.maleMore);
  files.turns = fx.concat('turns.wav', files.male, files.female, files.maleMore);
});

afterAll(async () => {
  await vad?.release();
});

describe('speech pieces', () => {
  const frame = (x: number) => Float64Array.from({ length: 20 }, (_, k) => x + k);
  const options: PieceOptions = { pieceSec: 1, gapSec: 0.3, frameSec: 0.1, maxPieces: 3 };

  it('ends a piece at its length and at a pause, and counts its frames per window', () => {
    const pieces = new SpeechPieces(options, 1, 19);
    for (let i = 0; i < 15; i++) pieces.add(i * 0.1, i < 12 ? 0 : 1, frame(i));
    for (let i = 0; i < 8; i++) pieces.add(3 + i * 0.1, 2, frame(i));
    const all = pieces.current();
    expect(all.map((p) => p.stats.n)).toEqual([10, 5, 8]);
    expect(all[1]!.start).toBeCloseTo(1.0);
    expect(all[2]!.start).toBeCloseTo(3.0);
    expect([...all[1]!.windowFrames]).toEqual([[0, 2], [1, 3]]);
  });

  it('joins a short remainder to the piece it follows without a pause', () => {
    const pieces = new SpeechPieces(options, 1, 19);
    for (let i = 0; i < 13; i++) pieces.add(i * 0.1, 0, frame(i));
    pieces.add(5, 0, frame(0));
    expect(pieces.current().map((p) => p.stats.n)).toEqual([13, 1]);
  });

  it('keeps only the most recent pieces, and starts a new one after a capture gap', () => {
    const pieces = new SpeechPieces(options, 1, 19);
    for (let k = 0; k < 5; k++) for (let i = 0; i < 10; i++) pieces.add(k * 2 + i * 0.1, k, frame(i));
    expect(pieces.current().map((p) => Math.round(p.start))).toEqual([2, 4, 6, 8]);
    pieces.breakHere();
    pieces.add(8.95, 4, frame(0));
    expect(pieces.current().map((p) => Math.round(p.start))).toEqual([4, 6, 8, 9]);
  });
});

describe('speaker clustering across a session', () => {
  const lambda = DEFAULT_VOICE_THRESHOLDS.clusterLambda;

  it('keeps one speaker reading two sentences in one cluster', async () => {
    const pieces = await piecesOf(files.oneSpeaker);
    expect(pieces.length).toBeGreaterThanOrEqual(6);
    expect(clusterPieces(pieces, lambda).clusters).toBe(1);
  });

  it('puts two speakers in two clusters, each piece with its own speaker', async () => {
    const male = await piecesOf(files.male);
    const female = await piecesOf(files.female);
    const { labels, clusters } = clusterPieces([...male, ...female], lambda);
    expect(clusters).toBe(2);
    expect(new Set(labels.slice(0, male.length)).size).toBe(1);
    expect(new Set(labels.slice(male.length)).size).toBe(1);
    expect(labels[0]).not.toBe(labels[male.length]);
  });

  it('gathers the enrolled candidate around the anchor, and the other voice apart from it', async () => {
    const anchor = (await enrolVoice(await decodeAudioFile(files.maleMore), vad)).stats;
    const male = await piecesOf(files.male);
    const female = await piecesOf(files.female);
    const result = clusterPieces([...male, ...female], lambda, anchor);
    expect(result.anchorCluster).not.toBeNull();
    expect(result.labels.slice(0, male.length).every((l) => l === result.anchorCluster)).toBe(true);
    expect(result.labels.slice(male.length).every((l) => l !== result.anchorCluster)).toBe(true);
    expect(result.separation(result.labels[0]!, result.labels[male.length]!)).toBeGreaterThan(0);
  });

  it('gives a lone piece a cluster of its own', () => {
    const g = GaussianStats.of([Float64Array.from({ length: 20 }, (_, k) => k)], VOICE_FIRST, VOICE_DIMS);
    expect(clusterPieces([g], lambda)).toMatchObject({ clusters: 1, labels: [0], anchorCluster: null });
  });
});

describe('more than one voice, blind (no enrolment)', () => {
  it('hears one voice throughout when one speaker reads two sentences', async () => {
    const result = await analyzeAudio(files.oneSpeaker, { vad });
    expect(result.windows.filter((w) => w.voices > 0).length).toBeGreaterThanOrEqual(3);
    expect(result.windows.every((w) => w.voices <= 1)).toBe(true);
    expect(result.alerts.filter((a) => a.type === 'multiple_voices')).toEqual([]);
  });

  it('flags the windows where the second speaker takes over and hands back, with the clusters as evidence', async () => {
    const result = await analyzeAudio(files.turns, { vad });
    const firstTurn = (await decodeAudioFile(files.male)).length / 16000;
    const secondTurn = firstTurn + (await decodeAudioFile(files.female)).length / 16000;
    const straddles = (t: number) => result.windows.find((w) => w.start <= t && w.end > t)!;
    // Only a window holding enough speech on both sides of a turn can show two voices.
    const judged = [firstTurn, secondTurn].filter((turn) => Math.min(turn - straddles(turn).start, straddles(turn).end - turn) >= 0.8);
    expect(judged.length).toBeGreaterThan(0);
    for (const turn of judged) {
      const w = straddles(turn);
      expect(w).toMatchObject({ voices: 2, reasons: ['speaker_clusters'] });
      expect(w.clusterSec.length).toBeGreaterThanOrEqual(2);
      expect(w.clusterScore).toBeGreaterThan(0);
    }
    const alerts = result.alerts.filter((a) => a.type === 'multiple_voices');
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts[0]!.evidence).toMatchObject({ reasons: expect.arrayContaining(['speaker_clusters']) });
    // Windows well inside the first speaker's sentence (before the second voice was ever heard) are one voice.
    expect(result.windows.filter((w) => w.end <= firstTurn - 0.5 && w.voices > 0).every((w) => w.voices === 1)).toBe(true);
  });
});

describe('more than one voice, live', () => {
  it('decides each window as it closes, as the file analysis does, when audio arrives in 100 ms pieces', async () => {
    const samples = await decodeAudioFile(files.turns);
    const heard: { start: number; voices: number }[] = [];
    const analyzer = new AudioAnalyzer(vad, {}, { window: (w) => heard.push({ start: w.start, voices: w.voices }) });
    for (let i = 0; i < samples.length; i += 1600) await analyzer.push(samples.subarray(i, i + 1600));
    await analyzer.finish();
    const whole = await analyzeAudio(files.turns, { vad });
    expect(heard).toEqual(whole.windows.map((w) => ({ start: w.start, voices: w.voices })));
    expect(heard.some((w) => w.voices === 2)).toBe(true);
  });
});
