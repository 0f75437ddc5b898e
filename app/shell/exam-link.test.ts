import { describe, expect, it } from 'vitest';
import { examConfigLink } from '../engine/config/signed-config';
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

  it('open a signed config carried in the link, passing only its compact-JWS characters on to the app', () => {
    const jws = 'eyJhbGciOiJFZERTQSJ9.eyJ2IjoxfQ.c2ln_-';
    expect(examConfigLink(jws)).toBe(`vigil://exam/config/${jws}`);
    const link = parseExamLink(examConfigLink(jws));
    expect(link).toEqual({ ok: true, config: jws });
    expect(appUrlForLink('vigil-app://app', link as { ok: true; config: string })).toBe(`vigil-app://app/?config=${jws}`);
    const refusal = { ok: false, reason: expect.stringMatching(/^an exam config link reads vigil:\/\/exam\/config\/<signed config>/) };
    expect(parseExamLink('vigil://exam/config/')).toMatchObject(refusal);
    expect(parseExamLink(`vigil://exam/config/${jws}&policy=x`)).toMatchObject(refusal);
    expect(parseExamLink(`vigil://exam/config/${jws}?policy=x`)).toMatchObject(refusal);
    expect(parseExamLink(`vigil://exam/config/${jws}#x`)).toMatchObject(refusal);
    expect(parseExamLink(`vigil://exam/config/a.b/c.d`)).toMatchObject(refusal);
    expect(parseExamLink(`vigil://exam/config/${'a'.repeat(70_000)}.b.c`)).toMatchObject(refusal);
    expect(() => examConfigLink('not a config')).toThrow(/not a compact JWS/);
  });

  it('find the link among command-line arguments', () => {
    expect(examLinkInArgs(['/opt/Vigil/vigil', '--no-sandbox', 'vigil://exam/bio'])).toBe('vigil://exam/bio');
    expect(examLinkInArgs(['/opt/Vigil/vigil'])).toBeUndefined();
  });
});
