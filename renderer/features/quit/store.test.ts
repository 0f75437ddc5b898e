import { describe, expect, it } from 'vitest';
import { refusalMessage } from './store';

describe('the quit prompt', () => {
  it('says a wrong password was refused, that the exam goes on, and how many wrong ones were typed', () => {
    expect(refusalMessage({ ok: false, reason: 'wrong_password', refused: 1 })).toBe(
      'That quit password is not right. The exam goes on. A wrong password has been typed once; each attempt is recorded in the exam report.',
    );
    expect(refusalMessage({ ok: false, reason: 'wrong_password', refused: 3 })).toMatch(/typed 3 times;/);
  });

  it('tells the candidate how the exam can end when the policy has no quit password', () => {
    expect(refusalMessage({ ok: false, reason: 'no_quit_password', refused: 0 })).toBe('This exam has no quit password, so it can only end by handing it in (Finish exam…).');
  });
});
