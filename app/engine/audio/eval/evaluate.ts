/**
 * `vigil eval audio`: speech detection and voice counting measured against the shared evaluation data
 * (../shared/data, never used by tests). What is tuned on what is fixed here and in README.md:
 *  - speakers/ train split (trn*): VAD hysteresis; figures are given for every split and for dev+test alone;
 *  - single-speaker/ speakers in TUNING_SPEAKERS: the voice thresholds (re-derived below, shipped in
 *    thresholds.ts); false rates are given for the held-out speakers and for all 100 files.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { MissingDataError } from '../../data-sets';
import { analyzeAudio, type AudioAnalysis } from '../analyze';
import { decodeAudioFile } from '../decode';
import { EnrolmentError, enrolVoice } from '../enrol';
import { DEFAULT_HYSTERESIS } from '../hysteresis';
import { DEFAULT_VOICE_THRESHOLDS, type VoiceThresholds } from '../thresholds';
import { SileroVad } from '../vad';
import type { Enrolment, VoiceWindow } from '../voices';
import { add, addCounts, emptyCounts, rates, rocAuc, type Counts } from './metrics';
import { readList, readRttm, readUem, type Region, type Turn } from './rttm';

export const TARGETS = { speechF1: 0.9, multipleVoicesRecall: 0.8, falseMultipleRate: 0.05 } as const;
/** Speakers of single-speaker/ whose files tune the voice thresholds (the first five ids in sorted order). */
export const TUNING_SPEAKER_COUNT = 5;
const SPLITS = ['train', 'development', 'test'] as const;
/** Seconds of speech each single-speaker/ voice is enrolled from (a calibration's worth). */
export const ENROL_TARGET_SEC = 8;
/** Mixtures per held-out speaker in the enrolled overlap and turn-taking test. */
const MIXTURES_PER_SPEAKER = 4;
const FRAME = 0.01;
/** Windows shorter than this (the tail of a file) are not scored. */
const MIN_WINDOW_SEC = 1;

export interface EvalProgress {
  (done: number, total: number, detail: string): void;
}

interface SpeakerFile {
  uri: string;
  split: (typeof SPLITS)[number];
  path: string;
  turns: Turn[];
  regions: Region[];
}

export function loadSpeakersSet(dir: string): { files: SpeakerFile[]; missing: string[] } {
  const files: SpeakerFile[] = [];
  const missing: string[] = [];
  for (const split of SPLITS) {
    const lst = join(dir, `debug.${split}.lst`);
    if (!existsSync(lst)) throw new MissingDataError(`${lst}: missing (the speakers/ set needs its .lst, .rttm and .uem files)`);
    const turns = readRttm(join(dir, `debug.${split}.rttm`));
    const regions = readUem(join(dir, `debug.${split}.uem`));
    for (const uri of readList(lst)) {
      const path = join(dir, `${uri}.wav`);
      if (!existsSync(path)) {
        missing.push(uri);
        continue;
      }
      files.push({ uri, split, path, turns: turns.filter((t) => t.uri === uri), regions: regions.filter((r) => r.uri === uri) });
    }
  }
  return { files, missing };
}

const round = (x: number | null, d = 4) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);
const summary = (c: Counts) => {
  const r = rates(c);
  return { precision: round(r.precision), recall: round(r.recall), f1: round(r.f1), falsePositiveRate: round(r.falsePositiveRate), counts: c };
};
const percentile = (values: readonly number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? null : s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};
const inside = (t: number, spans: readonly { start: number; end: number }[]) => spans.some((s) => t >= s.start && t < s.end);
const multiple = (w: VoiceWindow) => w.voices === 2;
/** Stopping-rule weights tried when re-choosing the clustering's λ. */
const LAMBDA_GRID = [2, 2.25, 2.5, 2.75, 3] as const;

/** A meeting's 3 s windows inside its scored regions: predicted "more than one voice" against the RTTM. */
function meetingWindowCounts(file: SpeakerFile, analysis: AudioAnalysis): Counts {
  const counts = emptyCounts();
  for (const w of analysis.windows) {
    if (w.end - w.start < MIN_WINDOW_SEC || !file.regions.some((r) => w.start >= r.start && w.end <= r.end + 1e-6)) continue;
    const speakers = new Set(file.turns.filter((t) => t.start < w.end && t.end > w.start).map((t) => t.speaker));
    add(counts, multiple(w), speakers.size >= 2);
  }
  return counts;
}

/**
 * What any voice method working on the VAD's speech frames could find in a meeting's positive windows: how
 * many have two speakers each heard for at least `minSec` of speech chunks (overlap included), and how many
 * have two speakers each heard that long speaking alone (what clustering speech by speaker can separate).
 */
function positiveWindowMakeup(file: SpeakerFile, analysis: AudioAnalysis, minSec: number) {
  const makeup = { positives: 0, twoHeard: 0, twoHeardApart: 0 };
  const { t0, dt, values } = analysis.track;
  for (const w of analysis.windows) {
    if (w.end - w.start < MIN_WINDOW_SEC || !file.regions.some((r) => w.start >= r.start && w.end <= r.end + 1e-6)) continue;
    const inWindow = file.turns.filter((t) => t.start < w.end && t.end > w.start);
    if (new Set(inWindow.map((t) => t.speaker)).size < 2) continue;
    makeup.positives += 1;
    const heard = new Map<string, number>();
    const apart = new Map<string, number>();
    for (let i = Math.max(0, Math.floor((w.start - t0) / dt)); i < values.length && t0 + i * dt < w.end; i++) {
      if (values[i]! < DEFAULT_HYSTERESIS.onThreshold) continue;
      const mid = t0 + (i + 0.5) * dt;
      const speaking = new Set(inWindow.filter((t) => mid >= t.start && mid < t.end).map((t) => t.speaker));
      for (const sp of speaking) heard.set(sp, (heard.get(sp) ?? 0) + dt);
      if (speaking.size === 1) for (const sp of speaking) apart.set(sp, (apart.get(sp) ?? 0) + dt);
    }
    if ([...heard.values()].filter((x) => x >= minSec).length >= 2) makeup.twoHeard += 1;
    if ([...apart.values()].filter((x) => x >= minSec).length >= 2) makeup.twoHeardApart += 1;
  }
  return makeup;
}

/** A single speaker's scored windows: whole enough to judge and holding speech. */
const singleSpeakerWindows = (analysis: AudioAnalysis) => analysis.windows.filter((w) => w.end - w.start >= MIN_WINDOW_SEC && w.voices > 0);

export async function evaluateAudio(dataDir: string, progress: EvalProgress = () => {}, thresholds: VoiceThresholds = DEFAULT_VOICE_THRESHOLDS) {
  const speakersDir = join(dataDir, 'speakers');
  const singleDir = join(dataDir, 'single-speaker');
  if (!existsSync(speakersDir) || !existsSync(singleDir)) throw new MissingDataError(`${dataDir}: no speakers/ and single-speaker/ evaluation data here (set VIGIL_DATA_DIR)`);
  const { files, missing } = loadSpeakersSet(speakersDir);
  const singles = readdirSync(singleDir).filter((f) => f.endsWith('.wav')).sort();
  if (files.length === 0 || singles.length === 0) throw new MissingDataError(`${dataDir}: the speakers/ or single-speaker/ folder holds no audio`);
  const speakerOf = (f: string) => f.split('-')[0]!;
  const speakerIds = [...new Set(singles.map(speakerOf))].sort();
  const tuning = new Set(speakerIds.slice(0, TUNING_SPEAKER_COUNT));

  const vad = await SileroVad.load();
  const total = files.length + singles.length * 2 + LAMBDA_GRID.length;
  let done = 0;
  const tick = (detail: string) => progress(++done, total, detail);
  try {
    // 1. Meetings: speech frames and multiple voices, blind (no enrolment: nobody in a meeting is "the candidate").
    const speech = { all: emptyCounts(), devTest: emptyCounts(), train: emptyCounts() };
    const voices = { all: emptyCounts(), devTest: emptyCounts(), train: emptyCounts(), development: emptyCounts(), test: emptyCounts() };
    const makeup = { positives: 0, twoHeard: 0, twoHeardApart: 0 };
    for (const file of files) {
      const analysis = await analyzeAudio(file.path, { vad, thresholds });
      tick(file.uri);
      const heldOut = file.split !== 'train';
      for (const region of file.regions) {
        for (let t = region.start + FRAME / 2; t < region.end; t += FRAME) {
          const predicted = inside(t, analysis.segments);
          const actual = inside(t, file.turns);
          add(speech.all, predicted, actual);
          add(heldOut ? speech.devTest : speech.train, predicted, actual);
        }
      }
      const counts = meetingWindowCounts(file, analysis);
      const m = positiveWindowMakeup(file, analysis, thresholds.minClusterSec);
      makeup.positives += m.positives;
      makeup.twoHeard += m.twoHeard;
      makeup.twoHeardApart += m.twoHeardApart;
      for (const bucket of heldOut ? [voices.all, voices.devTest, voices[file.split]] : [voices.all, voices.train]) addCounts(bucket, counts);
    }

    // 2. Single speakers, blind and with the speaker enrolled from their first file.
    const byFile = new Map<string, AudioAnalysis>();
    const blind = { heldOut: { windows: 0, flagged: 0, files: 0, filesFlagged: 0 }, all: { windows: 0, flagged: 0, files: 0, filesFlagged: 0 } };
    for (const f of singles) {
      const analysis = await analyzeAudio(join(singleDir, f), { vad, thresholds });
      tick(f);
      byFile.set(f, analysis);
      const scored = singleSpeakerWindows(analysis);
      const flagged = scored.filter(multiple).length;
      for (const bucket of tuning.has(speakerOf(f)) ? [blind.all] : [blind.all, blind.heldOut]) {
        bucket.windows += scored.length;
        bucket.flagged += flagged;
        bucket.files += 1;
        bucket.filesFlagged += flagged > 0 ? 1 : 0;
      }
    }

    // Each speaker is enrolled from their first files until there are ENROL_TARGET_SEC of speech, what a
    // 6-10 s calibration gives; those files are then not scored as the same speaker.
    const enrolments = new Map<string, Enrolment>();
    const enrolFiles = new Set<string>();
    for (const id of speakerIds) {
      const own = singles.filter((f) => speakerOf(f) === id);
      const parts: Float32Array[] = [];
      for (const f of own) {
        parts.push(await decodeAudioFile(join(singleDir, f)));
        enrolFiles.add(f);
        try {
          const enrolment = await enrolVoice(concat(parts), vad);
          enrolments.set(id, enrolment);
          if (enrolment.speechSec >= ENROL_TARGET_SEC) break;
        } catch (error) {
          if (!(error instanceof EnrolmentError)) throw error;
        }
      }
      if (!enrolments.has(id)) throw new MissingDataError(`${singleDir}: speaker ${id} has too little speech to enrol`);
    }
    const foreign = { tuning: { same: [] as number[], other: [] as number[], sameBlocks: [] as number[] }, heldOut: { same: [] as number[], other: [] as number[] } };
    const enrolled = { heldOut: { windows: 0, flagged: 0, foreignSame: 0, foreignOther: 0, otherWindows: 0 } };
    for (const f of singles) {
      const id = speakerOf(f);
      const isFirst = enrolFiles.has(f);
      const bucket = tuning.has(id) ? foreign.tuning : foreign.heldOut;
      // The same speaker (not the enrolment file itself) must read as the candidate; every other speaker of the same half as someone else.
      const analysis = await analyzeAudio(join(singleDir, f), { vad, thresholds, enrolment: enrolments.get(id)! });
      tick(`${f} (enrolled)`);
      const scored = analysis.windows.filter((w) => w.end - w.start >= MIN_WINDOW_SEC && w.foreignScore !== null);
      if (!isFirst) {
        bucket.same.push(...scored.map((w) => w.foreignScore!));
        if (tuning.has(id)) foreign.tuning.sameBlocks.push(...scored.flatMap((w) => w.blockScores ?? []));
        else {
          enrolled.heldOut.windows += scored.length;
          enrolled.heldOut.flagged += scored.filter((w) => multiple(w) || w.foreign === true).length;
          enrolled.heldOut.foreignSame += scored.filter((w) => w.foreign === true).length;
        }
      }
      // Other speakers against this speaker's enrolment, from the blind analysis's frames: re-run with the other enrolment.
      const others = speakerIds.filter((o) => o !== id && tuning.has(o) === tuning.has(id));
      const other = others[singles.indexOf(f) % others.length]!;
      const cross = await analyzeAudio(join(singleDir, f), { vad, thresholds, enrolment: enrolments.get(other)! });
      const crossScored = cross.windows.filter((w) => w.end - w.start >= MIN_WINDOW_SEC && w.foreignScore !== null);
      bucket.other.push(...crossScored.map((w) => w.foreignScore!));
      if (!tuning.has(id)) {
        enrolled.heldOut.otherWindows += crossScored.length;
        enrolled.heldOut.foreignOther += crossScored.filter((w) => w.foreign === true).length;
      }
    }

    // 4. The exam's situation on real speech: a held-out candidate enrolled, someone else speaking over them
    //    (overlap, both at the same level) or answering them (turn-taking).
    const mixtures = { overlap: { windows: 0, flagged: 0 }, answer: { windows: 0, flagged: 0 }, candidatePart: { windows: 0, flagged: 0 }, pairs: 0 };
    const heldIds = speakerIds.filter((id) => !tuning.has(id));
    for (const [k, id] of heldIds.entries()) {
      const own = singles.filter((f) => speakerOf(f) === id && !enrolFiles.has(f)).slice(0, MIXTURES_PER_SPEAKER);
      for (const [j, f] of own.entries()) {
        const otherId = heldIds[(k + 1 + (j % (heldIds.length - 1))) % heldIds.length]!;
        const otherFile = singles.filter((g) => speakerOf(g) === otherId && !enrolFiles.has(g))[j]!;
        const a = normalise(await decodeAudioFile(join(singleDir, f)));
        const b = normalise(await decodeAudioFile(join(singleDir, otherFile)));
        const overlapEnd = Math.min(a.length, b.length) / 16000;
        const overlap = await analyzeAudio(sum(a, b), { vad, thresholds, enrolment: enrolments.get(id)! });
        for (const w of overlap.windows) {
          if (w.end > overlapEnd || w.end - w.start < MIN_WINDOW_SEC || w.voices === 0) continue;
          mixtures.overlap.windows += 1;
          mixtures.overlap.flagged += multiple(w) || w.foreign === true ? 1 : 0;
        }
        const turnAt = a.length / 16000;
        const turns = await analyzeAudio(concat([a, b]), { vad, thresholds, enrolment: enrolments.get(id)! });
        for (const w of turns.windows) {
          if (w.end - w.start < MIN_WINDOW_SEC || w.voices === 0) continue;
          const bucket = w.end <= turnAt ? mixtures.candidatePart : w.start >= turnAt ? mixtures.answer : null;
          if (!bucket) continue;
          bucket.windows += 1;
          bucket.flagged += multiple(w) || w.foreign === true ? 1 : 0;
        }
        mixtures.pairs += 1;
      }
    }
    const rate = (b: { windows: number; flagged: number }) => round(b.windows ? b.flagged / b.windows : null);

    // 5. The clustering's stopping rule, re-chosen: for each λ of a small grid, recall on the development
    //    meetings and the false rate on the tuning speakers' files; the shipped λ must be the one chosen here.
    const grid = [];
    const developmentFiles = files.filter((f) => f.split === 'development');
    const tuningFiles = singles.filter((f) => tuning.has(speakerOf(f)));
    for (const clusterLambda of LAMBDA_GRID) {
      const trial = { ...thresholds, clusterLambda };
      const dev = emptyCounts();
      for (const file of developmentFiles) addCounts(dev, meetingWindowCounts(file, await analyzeAudio(file.path, { vad, thresholds: trial })));
      let windows = 0;
      let flagged = 0;
      for (const f of tuningFiles) {
        const scored = singleSpeakerWindows(await analyzeAudio(join(singleDir, f), { vad, thresholds: trial }));
        windows += scored.length;
        flagged += scored.filter(multiple).length;
      }
      grid.push({ clusterLambda, developmentRecall: round(rates(dev).recall), developmentPrecision: round(rates(dev).precision), tuningFalseRate: round(windows ? flagged / windows : null) });
      tick(`tuning λ ${clusterLambda}`);
    }
    const allowed = grid.filter((g) => g.tuningFalseRate !== null && g.tuningFalseRate <= TARGETS.falseMultipleRate);
    const chosen = allowed.reduce<(typeof grid)[number] | null>((best, g) => (!best || (g.developmentRecall ?? 0) >= (best.developmentRecall ?? 0) ? g : best), null);

    const voicesAll = summary(voices.all);
    const speechAll = summary(speech.all);
    const falseRateHeld = blind.heldOut.windows ? blind.heldOut.flagged / blind.heldOut.windows : null;
    return {
      data: dataDir,
      missingFiles: missing,
      thresholds,
      speech: { all: speechAll, train: summary(speech.train), devTest: summary(speech.devTest), frameSec: FRAME, files: files.length },
      multipleVoices: {
        windowSec: 3,
        all: voicesAll,
        devTest: summary(voices.devTest),
        train: summary(voices.train),
        development: summary(voices.development),
        test: summary(voices.test),
        positiveWindows: {
          ...makeup,
          twoHeardShare: round(makeup.positives ? makeup.twoHeard / makeup.positives : null),
          twoHeardApartShare: round(makeup.positives ? makeup.twoHeardApart / makeup.positives : null),
          note: `positive windows where two RTTM speakers each have >= ${thresholds.minClusterSec} s of VAD speech chunks (twoHeard, overlap included) and where each has that much speaking alone (twoHeardApart): the first bounds the recall of any method that must hear each voice that long in the VAD speech, the second that of one which tells voices apart but cannot hear two at once`,
        },
        note: 'blind (no enrolment), each file clustered as one session; positive = two or more RTTM speakers in the window; falsePositiveRate here is over meeting windows with one or no speaker; the stopping rule was chosen on the development split (see tuned)',
      },
      singleSpeaker: {
        blind: {
          heldOutSpeakers: { ...blind.heldOut, falseMultipleRate: round(falseRateHeld), fileRate: round(blind.heldOut.files ? blind.heldOut.filesFlagged / blind.heldOut.files : null) },
          allFiles: { ...blind.all, falseMultipleRate: round(blind.all.windows ? blind.all.flagged / blind.all.windows : null), fileRate: round(blind.all.files ? blind.all.filesFlagged / blind.all.files : null) },
        },
        enrolledHeldOut: {
          windows: enrolled.heldOut.windows,
          falseAlertRate: round(enrolled.heldOut.windows ? enrolled.heldOut.flagged / enrolled.heldOut.windows : null),
          falseForeignRate: round(enrolled.heldOut.windows ? enrolled.heldOut.foreignSame / enrolled.heldOut.windows : null),
          foreignRecall: round(enrolled.heldOut.otherWindows ? enrolled.heldOut.foreignOther / enrolled.heldOut.otherWindows : null),
          foreignAuc: round(rocAuc(foreign.heldOut.other, foreign.heldOut.same)),
        },
        tuningSpeakers: [...tuning],
        enrolSpeechSec: ENROL_TARGET_SEC,
      },
      enrolledMixtures: {
        note: 'held-out speakers; candidate enrolled; another held-out speaker mixed in at the same level (overlap) or after the candidate (answer); flagged = multiple_voices or foreign',
        pairs: mixtures.pairs,
        overlapRecall: rate(mixtures.overlap),
        answerRecall: rate(mixtures.answer),
        candidatePartFalseRate: rate(mixtures.candidatePart),
        windows: { overlap: mixtures.overlap.windows, answer: mixtures.answer.windows, candidatePart: mixtures.candidatePart.windows },
      },
      tuned: {
        note: 'thresholds re-derived from the tuning speakers of single-speaker/ (95th/99th percentiles of same-speaker scores) and, for clusterLambda, the development meetings; compare with `thresholds`',
        clusterLambda: chosen?.clusterLambda ?? null,
        clusterLambdaRule: `highest development recall among λ flagging at most ${TARGETS.falseMultipleRate * 100} % of the tuning speakers' windows; ties to the larger λ`,
        clusterLambdaGrid: grid,
        foreign: round(percentile(foreign.tuning.same, 0.95)),
        foreignBlock: round(percentile(foreign.tuning.sameBlocks, 0.99)),
        candidateBlock: round(percentile(foreign.tuning.sameBlocks, 0.5)),
        foreignAucTuning: round(rocAuc(foreign.tuning.other, foreign.tuning.same)),
      },
      targets: TARGETS,
      met: {
        speechF1: (speechAll.f1 ?? 0) >= TARGETS.speechF1,
        multipleVoicesRecall: (voicesAll.recall ?? 0) >= TARGETS.multipleVoicesRecall,
        falseMultipleRate: falseRateHeld !== null && falseRateHeld <= TARGETS.falseMultipleRate,
      },
      fileNames: { speakers: files.map((f) => basename(f.path)) },
    };
  } finally {
    await vad.release();
  }
}

export type AudioEvaluation = Awaited<ReturnType<typeof evaluateAudio>>;

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Scales a clip to a common speech level (RMS 0.05), so that neither voice in a mixture drowns the other. */
function normalise(x: Float32Array): Float32Array {
  let e = 0;
  for (const v of x) e += v * v;
  const gain = 0.05 / Math.sqrt(e / Math.max(1, x.length) + 1e-12);
  return x.map((v) => v * gain);
}

function sum(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(Math.max(a.length, b.length));
  for (let i = 0; i < out.length; i++) out[i] = (a[i] ?? 0) + (b[i] ?? 0);
  return out;
}
