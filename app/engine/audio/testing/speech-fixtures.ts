/**
 * Real speech for tests, made on the spot: espeak-ng speaks (two clearly different voices), sox mixes, pads
 * and makes silence and noise. Nothing is read from ../shared. Used only by *.test.ts files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The candidate: espeak-ng's default American male voice, low pitch. */
export const VOICE_A = ['-v', 'en-us', '-p', '35', '-s', '150'];
/** Someone else: the female variant f2, high pitch. */
export const VOICE_B = ['-v', 'en-us+f2', '-p', '70', '-s', '160'];

export const TEXT = {
  candidateEnrol: 'Please read each question carefully before you answer. You have ninety minutes for the whole paper, and calculators are not allowed in this room.',
  candidate: 'I think the second part of the question asks about the derivative of the function, so I will start with the chain rule.',
  other: 'Psst, the answer to the next one is forty two. Write it down quickly before the teacher looks at us, and then pass it on.',
};

export class SpeechFixtures {
  readonly dir = mkdtempSync(join(tmpdir(), 'vigil-audio-'));

  path(name: string): string {
    return join(this.dir, name);
  }

  speak(name: string, voice: readonly string[], text: string): string {
    const out = this.path(name);
    execFileSync('espeak-ng', [...voice, '-w', out, text]);
    return out;
  }

  /** sox with arbitrary effects, output to `name`. */
  sox(name: string, ...args: string[]): string {
    const out = this.path(name);
    execFileSync('sox', [...args.map((a) => (a === '$OUT' ? out : a))]);
    return out;
  }

  /** Two files played at the same time (overlap), each at its own level. */
  mix(name: string, a: string, b: string): string {
    return this.sox(name, '-m', a, b, '$OUT');
  }

  /** Files one after another. */
  concat(name: string, ...files: string[]): string {
    return this.sox(name, ...files, '$OUT');
  }

  silence(name: string, seconds: number, rate = 16000): string {
    return this.sox(name, '-n', '-r', String(rate), '-c', '1', '-b', '16', '$OUT', 'trim', '0', String(seconds));
  }

  noise(name: string, seconds: number, colour: 'whitenoise' | 'pinknoise' | 'brownnoise' = 'pinknoise', volume = 0.1): string {
    return this.sox(name, '-n', '-r', '16000', '-c', '1', '-b', '16', '$OUT', 'synth', String(seconds), colour, 'vol', String(volume));
  }
}
