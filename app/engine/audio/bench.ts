/**
 * `vigil bench audio`: realtime factor (seconds of audio per second of compute) of the VAD and of the whole
 * analysis (VAD, MFCC, speaker clustering, voice tests with an enrolled candidate), one thread, on decoded
 * 16 kHz audio from the evaluation data. Decoding is left out: ffmpeg runs in its own process.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { AudioAnalyzer } from './analyzer';
import { decodeAudioFile } from './decode';
import { enrolVoice } from './enrol';
import { MissingDataError } from '../data-sets';
import { SAMPLE_RATE } from './pcm';
import { SileroVad, VAD_CHUNK } from './vad';

export async function benchAudio(dataDir: string, repeats = 3, onStep: (done: number, total: number) => void = () => {}) {
  const dir = join(dataDir, 'speakers');
  if (!existsSync(dir)) throw new MissingDataError(`${dir}: missing (the benchmark reads the speakers/ meeting clips)`);
  const files = readdirSync(dir).filter((f) => /^(trn|dev|tst)\d+\.wav$/.test(f)).sort();
  if (files.length === 0) throw new MissingDataError(`${dir}: no meeting clips`);
  const clips = await Promise.all(files.map((f) => decodeAudioFile(join(dir, f))));
  const audioSec = clips.reduce((a, c) => a + c.length, 0) / SAMPLE_RATE;
  const vad = await SileroVad.load();
  try {
    const enrolment = await enrolVoice(concat(clips.slice(0, 2)), vad);
    const vadTimes: number[] = [];
    const fullTimes: number[] = [];
    const fullCpu: number[] = [];
    const sessionTimes: number[] = [];
    // The clips back to back as one 390 s session: the speaker clustering then works on up to its full history
    // of pieces at every window, as in a long exam.
    const session = concat(clips);
    let speechSec = 0;
    for (let r = 0; r < repeats; r++) {
      let t = performance.now();
      for (const clip of clips) {
        vad.reset();
        for (let i = 0; i < clip.length; i += VAD_CHUNK) await vad.probability(clip.subarray(i, i + VAD_CHUNK));
      }
      vadTimes.push((performance.now() - t) / 1000);
      t = performance.now();
      const cpu = process.cpuUsage();
      speechSec = 0;
      for (const clip of clips) {
        const analyzer = new AudioAnalyzer(vad, { enrolment });
        await analyzer.push(clip);
        await analyzer.finish();
        speechSec += analyzer.windows.reduce((a, w) => a + w.speechSec, 0);
      }
      fullTimes.push((performance.now() - t) / 1000);
      const used = process.cpuUsage(cpu);
      fullCpu.push((used.user + used.system) / 1e6);
      t = performance.now();
      const analyzer = new AudioAnalyzer(vad, { enrolment });
      await analyzer.push(session);
      await analyzer.finish();
      sessionTimes.push((performance.now() - t) / 1000);
      onStep(r + 1, repeats);
    }
    const best = (xs: number[]) => Math.min(...xs);
    return {
      input: { files: files.length, audioSec: Math.round(audioSec * 100) / 100, speechSec: Math.round(speechSec * 100) / 100 },
      threads: 1,
      cpus: availableParallelism(),
      repeats,
      vadRealtimeFactor: Math.round(audioSec / best(vadTimes)),
      realtimeFactor: Math.round(audioSec / best(fullTimes)),
      /** Audio seconds per CPU second of this process: steadier than wall time when other work shares the cores. */
      cpuRealtimeFactor: Math.round(audioSec / best(fullCpu)),
      /** The same audio as one long session (speaker clustering over the whole history at each window). */
      sessionRealtimeFactor: Math.round(audioSec / best(sessionTimes)),
      loadAverage: Math.round(loadavg()[0]! * 100) / 100,
      secondsPerRun: { vad: vadTimes.map((x) => Math.round(x * 1000) / 1000), full: fullTimes.map((x) => Math.round(x * 1000) / 1000), session: sessionTimes.map((x) => Math.round(x * 1000) / 1000) },
      target: 200,
      note: 'best of the repeats; realtimeFactor = seconds of audio analysed per wall-clock second (VAD + MFCC + session speaker clustering + voice tests with an enrolled candidate, each clip its own session); cpuRealtimeFactor per CPU second; other work on the machine (loadAverage) lowers the wall-clock figure',
    };
  } finally {
    await vad.release();
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
