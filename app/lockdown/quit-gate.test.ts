import { describe, expect, it } from 'vitest';
import { hashPassword } from '../engine/live/password';
import { createQuitGate } from './quit-gate';

describe('the quit gate', () => {
  it('keeps the app open until the quit password is typed, counting wrong guesses', async () => {
    const gate = createQuitGate(await hashPassword('invigilator-7'));
    expect(gate.mayQuit()).toBe(false);
    expect(await gate.tryPassword('invigilator-8')).toBe('rejected');
    expect(await gate.tryPassword('')).toBe('rejected');
    expect(gate.mayQuit()).toBe(false);
    expect(await gate.tryPassword('invigilator-7')).toBe('accepted');
    expect(gate.mayQuit()).toBe(true);
    expect(gate.attempts()).toEqual({ rejected: 2, accepted: true });
  });

  it('lets the app quit once the exam has ended, without a password', () => {
    const gate = createQuitGate(undefined);
    expect(gate.mayQuit()).toBe(false);
    gate.examEnded();
    expect(gate.mayQuit()).toBe(true);
  });

  it('accepts no password when the exam set none, and refuses a corrupt stored hash', async () => {
    expect(await createQuitGate(undefined).tryPassword('anything')).toBe('no_quit_password');
    const corrupt = createQuitGate('plain-text-password');
    expect(await corrupt.tryPassword('plain-text-password')).toBe('rejected');
    expect(corrupt.mayQuit()).toBe(false);
  });
});
