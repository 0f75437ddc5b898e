/**
 * `vigil config` end to end through the real command: an institution without the server makes a key, pins it,
 * imports a .seb (built here: plist, gzip, our RNCryptor v2 writer), signs the policy and checks it; a candidate's
 * edits and wrong passwords each get one line and exit 1.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'plist';
import { describe, expect, it } from 'vitest';
import { configKey, configKeyHash } from '../../engine/config/seb/config-key';
import { writeEncryptedSeb } from '../../engine/config/seb/seb-file';

const bin = join(import.meta.dirname, '..', 'vigil.mjs');
const dir = mkdtempSync(join(tmpdir(), 'vigil-config-cli-'));

function vigil(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, VIGIL_HOME: join(dir, 'home') } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
const lastLine = (text: string) => text.trim().split('\n').at(-1)!;

const seb = { originatorVersion: 'SEB_Win_3.5', startURL: 'https://lms.example.edu/mod/quiz/view.php?id=3', allowQuit: false, enableF5: false, URLFilterEnable: true };

describe('vigil config', () => {
  it('imports a password-protected .seb, signs it with a new key, and verifies it against a trust file pinning that key', () => {
    const sebFile = join(dir, 'exam.seb');
    writeFileSync(sebFile, writeEncryptedSeb(build(seb), 'exam-pass'));

    const key = vigil(['config', 'key', sebFile, '--password', 'exam-pass', '--url', `${seb.startURL}#q2`, '--json']);
    expect(key.code).toBe(0);
    expect(JSON.parse(lastLine(key.stdout))).toEqual({ configKey: configKey(seb), configKeyHash: configKeyHash(seb.startURL, configKey(seb)) });

    const imported = vigil(['config', 'import', sebFile, '--password', 'exam-pass', '--out', join(dir, 'policy.json')]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/carried over: startURL, URLFilterEnable\nnot carried over \(2\):\n {2}allowQuit: no Vigil setting\n {2}enableF5: no Vigil setting\n$/);
    expect(JSON.parse(readFileSync(join(dir, 'policy.json'), 'utf8'))).toMatchObject({ examUrl: seb.startURL, allowedOrigins: ['https://lms.example.edu'], sebConfigKey: configKey(seb) });

    const keygen = vigil(['config', 'keygen', '--out', join(dir, 'signing.pem'), '--name', 'Example University']);
    expect(keygen.code).toBe(0);
    expect(statSync(join(dir, 'signing.pem')).mode & 0o777).toBe(0o600);
    writeFileSync(join(dir, 'trust.json'), JSON.stringify({ version: 1, keys: [JSON.parse(lastLine(keygen.stdout))] }));
    expect(vigil(['config', 'keygen', '--out', join(dir, 'signing.pem')])).toMatchObject({ code: 1, stderr: `vigil: ${join(dir, 'signing.pem')}: exists; a signing key is never overwritten\n` });

    const signed = join(dir, 'maths.vigil-exam');
    expect(vigil(['config', 'sign', join(dir, 'policy.json'), '--key', join(dir, 'signing.pem'), '--exam-id', 'maths-101', '--days', '7', '--enrolment-token', 'tok-123', '--out', signed]).code).toBe(0);
    const verified = vigil(['config', 'verify', signed, '--trust', join(dir, 'trust.json'), '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(lastLine(verified.stdout))).toMatchObject({ ok: true, examId: 'maths-101', mode: 'exam', signer: 'Example University' });
    const shown = vigil(['config', 'show', signed, '--trust', join(dir, 'trust.json'), '--json']);
    expect(JSON.parse(lastLine(shown.stdout))).toMatchObject({ examId: 'maths-101', enrolmentToken: '(set)', verified: true });
    expect(shown.stdout).not.toContain('tok-123');

    // Attacks: the candidate edits the config; verifies against the installation's trust (which lacks the key).
    const [h, p, s] = readFileSync(signed, 'utf8').trim().split('.');
    const edited = JSON.parse(Buffer.from(p!, 'base64url').toString()) as { policy: { detectors?: object } };
    edited.policy.detectors = { face: false };
    writeFileSync(join(dir, 'edited.vigil-exam'), `${h}.${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${s}`);
    const tampered = vigil(['config', 'verify', join(dir, 'edited.vigil-exam'), '--trust', join(dir, 'trust.json')]);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toMatch(/^vigil: .*edited\.vigil-exam: signature does not verify against "Example University" .*\[bad_signature\]\n$/);
    expect(vigil(['config', 'verify', signed]).stderr).toMatch(/^vigil: .*: signed by a key this computer does not trust .*\[unpinned_key\]\n$/);
  });

  it('says "wrong password" in one line, and refuses files that are not configs', () => {
    const sebFile = join(dir, 'locked.seb');
    writeFileSync(sebFile, writeEncryptedSeb(build(seb), 'right'));
    expect(vigil(['config', 'key', sebFile, '--password', 'wrong'])).toMatchObject({ code: 1, stderr: `vigil: ${sebFile}: wrong password (or the file was changed after it was encrypted)\n` });
    expect(vigil(['config', 'key', sebFile])).toMatchObject({ code: 1, stderr: `vigil: ${sebFile}: this config is password-protected: give --password\n` });
    writeFileSync(join(dir, 'junk.seb'), 'hello');
    expect(vigil(['config', 'import', join(dir, 'junk.seb'), '--out', join(dir, 'x.json')]).stderr).toMatch(/^vigil: .*junk\.seb: not a SEB config/);
    expect(vigil(['config', 'key', sebFile, '--password', 'right', '--url', 'not a url'])).toMatchObject({ code: 2 });
  });
});
