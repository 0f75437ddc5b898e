import { describe, expect, it } from 'vitest';
import { examStartUrl, shownWarnings } from './store';

const warnings = [
  { id: 1, type: 'gaze_away', severity: 'warning' },
  { id: 2, type: 'multiple_faces', severity: 'critical' },
];

describe('the exam screen', () => {
  it("opens the policy's exam URL, else its first allowed site", () => {
    expect(examStartUrl({ examUrl: 'https://exam.example.org/maths', allowedOrigins: ['https://exam.example.org'] })).toBe('https://exam.example.org/maths');
    expect(examStartUrl({ allowedOrigins: ['https://exam.example.org', 'https://docs.example.org'] })).toBe('https://exam.example.org');
    expect(examStartUrl({ allowedOrigins: [] })).toBeUndefined();
  });

  it('shows the candidate the warnings the policy chooses: all, only critical, or none', () => {
    expect(shownWarnings(warnings, { candidateWarnings: 'all' }).map((w) => w.id)).toEqual([1, 2]);
    expect(shownWarnings(warnings, { candidateWarnings: 'critical' }).map((w) => w.id)).toEqual([2]);
    expect(shownWarnings(warnings, { candidateWarnings: 'none' })).toEqual([]);
  });
});
