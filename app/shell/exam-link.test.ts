import { describe, expect, it } from 'vitest';
import { appUrlForLink, examLinkInArgs, parseExamLink } from './exam-link';

describe('exam links', () => {
  it('open a saved policy by name', () => {
    const link = parseExamLink('vigil://exam/maths-101');
    expect(link).toEqual({ ok: true, policyName: 'maths-101' });
    expect(appUrlForLink('vigil-app://app', link as { ok: true; policyName: string })).toBe('vigil-app://app/?policy=maths-101');
    expect(parseExamLink('vigil://exam?policy=maths-101')).toEqual({ ok: true, policyName: 'maths-101' });
  });

  it('refuse names that could smuggle a path, and other schemes; a query is dropped, never passed on', () => {
    expect(parseExamLink('vigil://exam/..%2F..%2Fetc')).toMatchObject({ ok: false, reason: expect.stringMatching(/not a policy name/) });
    expect(parseExamLink('vigil://exam/a?b=c')).toMatchObject({ ok: true, policyName: 'a' });
    expect(parseExamLink('vigil://exam?policy=../x')).toMatchObject({ ok: false });
    expect(parseExamLink('vigil://exam/a/b')).toMatchObject({ ok: false, reason: expect.stringMatching(/vigil:\/\/exam\/<policy-name>/) });
    expect(parseExamLink('https://exam/maths')).toMatchObject({ ok: false, reason: 'https: links are not Vigil exam links' });
    expect(parseExamLink('not a link')).toMatchObject({ ok: false });
  });

  it('find the link among command-line arguments', () => {
    expect(examLinkInArgs(['/opt/Vigil/vigil', '--no-sandbox', 'vigil://exam/bio'])).toBe('vigil://exam/bio');
    expect(examLinkInArgs(['/opt/Vigil/vigil'])).toBeUndefined();
  });
});
