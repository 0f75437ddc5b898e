import { describe, expect, it } from 'vitest';
import { defaultPolicy, parsePolicy } from '../policy/policy';
import type { Alert } from './alert';
import { applyAudioRules } from './audio-rules';

const voices = (windows: number): Alert => ({
  type: 'multiple_voices', start: 3, end: 3 + 3 * windows, severity: 'critical', confidence: 0.8,
  evidence: { windows: Array.from({ length: windows }, (_, i) => ({ start: 3 + 3 * i, end: 6 + 3 * i, voices: 2 })) },
});
const speech: Alert = { type: 'speech', start: 1, end: 2, severity: 'info', confidence: 0.9, evidence: {} };

describe('audio rules', () => {
  it('raise multiple_voices only when two consecutive windows hear several voices, by default', () => {
    expect(applyAudioRules([voices(1), speech], defaultPolicy()).map((a) => a.type)).toEqual(['speech']);
    expect(applyAudioRules([voices(2)], defaultPolicy())).toHaveLength(1);
  });

  it('follow the policy: one window is enough when the invigilator says so', () => {
    expect(applyAudioRules([voices(1)], parsePolicy({ rules: { multipleVoicesWindows: 1 } }))).toHaveLength(1);
  });
});
