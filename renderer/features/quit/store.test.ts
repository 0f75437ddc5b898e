import { describe, expect, it } from 'vitest';
import { refusalMessage } from './store';

describe('the quit prompt', () => {
  it('says a wrong password was refused, that the exam goes on, and how many wrong ones were typed', () => {
    expect(refusalMessage({ ok: false, reason: 'wrong_password', refused: 1, retryAfterSec: 0 })).toBe(
      'That quit password is not right. The exam goes on. A wrong password has been typed once; each attempt is recorded in the exam report.',
    );
    expect(refusalMessage({ ok: false, reason: 'wrong_password', refused: 3, retryAfterSec: 30 })).toMatch(/typed 3 times;.* locked for 30 seconds\.$/);
  });

  it('says how long the prompt stays locked after too many wrong passwords', () => {
    expect(refusalMessage({ ok: false, reason: 'locked', refused: 4, retryAfterSec: 45 })).toBe(
      'Too many wrong quit passwords. The prompt is locked for 45 seconds. The exam goes on; this attempt is recorded in the exam report.',
    );
    expect(refusalMessage({ ok: false, reason: 'locked', refused: 6, retryAfterSec: 240 })).toMatch(/locked for 4 minutes\./);
  });

  it('tells the candidate how the exam can end when the policy has no quit password', () => {
    expect(refusalMessage({ ok: false, reason: 'no_quit_password', refused: 0, retryAfterSec: 0 })).toBe('This exam has no quit password, so it can only end by handing it in (Finish exam…).');
  });
});
