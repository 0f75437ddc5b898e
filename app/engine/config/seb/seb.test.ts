/**
 * SEB configs built here from scratch (plist, gzip, our own RNCryptor v2 writer), never from ../shared: the file
 * formats, the Config Key's canonical JSON, and the mapping onto a Vigil policy. The real SEB files and Moodle's
 * stated key are checked by `vigil eval seb` (app/cli/commands/eval-seb.ts).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { build, type PlistValue } from 'plist';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../policy/policy';
import { configKey, configKeyHash, configKeyJson } from './config-key';
import { importSebSettings } from './import';
import { rnDecrypt, rnEncrypt } from './rncryptor';
import { readSebFile, writeEncryptedSeb, writePlainSeb, type SebSettings } from './seb-file';

const settings: SebSettings = {
  originatorVersion: 'SEB_Win_3.5.0',
  startURL: 'https://lms.example.edu/mod/quiz/view.php?id=3',
  quitURL: 'https://lms.example.edu/quit',
  hashedQuitPassword: createHash('sha256').update('let-me-out').digest('hex'),
  allowQuit: true,
  Zeta: 1,
  zeta: 2,
  alpha: 'ä/ö "quoted"',
  emptyDict: {},
  nested: { inner: {}, keep: [] },
  photo: new Uint8Array([0, 1, 2, 250]),
  when: new Date('2026-01-02T03:04:05Z'),
  URLFilterEnable: true,
  URLFilterRules: [
    { active: true, action: 1, regex: false, expression: 'cdn.example.edu/*' },
    { active: true, action: 1, regex: true, expression: '^https://.*\\.example\\.edu/.*$' },
    { active: true, action: 0, regex: false, expression: 'chat.example.com' },
    { active: false, action: 1, regex: false, expression: 'old.example.edu' },
  ],
  prohibitedProcesses: [
    { active: true, executable: 'TeamViewer.exe', os: 1 },
    { active: false, executable: 'Skype.exe', os: 1 },
  ],
  allowVirtualMachine: false,
  allowedDisplaysMaxNumber: 1,
  enablePrintScreen: false,
};
const xml = build(settings as PlistValue);

describe('the Config Key', () => {
  it('hashes sorted, whitespace-free JSON without originatorVersion and empty dictionaries', () => {
    expect(configKeyJson(settings)).toBe(
      '{"allowedDisplaysMaxNumber":1,"allowQuit":true,"allowVirtualMachine":false,"alpha":"ä/ö \\"quoted\\"","enablePrintScreen":false,' +
        `"hashedQuitPassword":"${settings.hashedQuitPassword as string}","nested":{"keep":[]},"photo":"AAEC+g==","prohibitedProcesses":[{"active":true,"executable":"TeamViewer.exe","os":1},{"active":false,"executable":"Skype.exe","os":1}],` +
        '"quitURL":"https://lms.example.edu/quit","startURL":"https://lms.example.edu/mod/quiz/view.php?id=3",' +
        '"URLFilterEnable":true,"URLFilterRules":[{"action":1,"active":true,"expression":"cdn.example.edu/*","regex":false},{"action":1,"active":true,"expression":"^https://.*\\\\.example\\\\.edu/.*$","regex":true},{"action":0,"active":true,"expression":"chat.example.com","regex":false},{"action":1,"active":false,"expression":"old.example.edu","regex":false}],' +
        '"when":"2026-01-02T03:04:05+00:00","zeta":2,"Zeta":1}',
    );
    expect(configKey(settings)).toBe(createHash('sha256').update(configKeyJson(settings)).digest('hex'));
    const { originatorVersion: _v, ...without } = settings;
    expect(configKey(without)).toBe(configKey(settings));
    expect(configKey({ ...settings, allowQuit: false })).not.toBe(configKey(settings));
  });

  it('makes the request header from the URL without its fragment, query kept', () => {
    const key = configKey(settings);
    const url = 'https://lms.example.edu/mod/quiz/view.php?id=3';
    expect(configKeyHash(`${url}#top`, key)).toBe(createHash('sha256').update(url + key).digest('hex'));
    expect(configKeyHash(`${url}&x=1`, key)).not.toBe(configKeyHash(url, key));
  });
});

describe('.seb files', () => {
  it('read a bare XML plist, a plnd file and a pswd file to the same settings', () => {
    const bare = readSebFile(Buffer.from(xml));
    expect(readSebFile(writePlainSeb(xml))).toEqual(bare);
    expect(readSebFile(writeEncryptedSeb(xml, 'exam-pass'), 'exam-pass')).toEqual(bare);
    expect(configKey(bare)).toBe(configKey(settings));
  });

  it('read a pwcc file keyed by the hashed password', () => {
    const hashed = createHash('sha256').update('admin').digest('hex');
    const file = gzipSync(Buffer.concat([Buffer.from('pwcc'), rnEncrypt(gzipSync(Buffer.from(xml)), hashed)]));
    expect(readSebFile(file, 'admin').startURL).toBe(settings.startURL);
  });

  it('refuse a wrong password, a missing one and a tampered file with one clear line each', () => {
    const file = writeEncryptedSeb(xml, 'exam-pass');
    expect(() => readSebFile(file, 'Exam-pass')).toThrow(/^wrong password \(or the file was changed after it was encrypted\)$/);
    expect(() => readSebFile(file)).toThrow(/^this config is password-protected: give --password$/);
    const inner = Buffer.from(rnEncrypt(gzipSync(Buffer.from(xml)), 'exam-pass'));
    inner[60] = inner[60]! ^ 1;
    expect(() => readSebFile(gzipSync(Buffer.concat([Buffer.from('pswd'), inner])), 'exam-pass')).toThrow(/^wrong password/);
    expect(() => readSebFile(Buffer.from('pkhs0000'))).toThrow(/encrypted for a certificate/);
    expect(() => readSebFile(Buffer.from('hello world'))).toThrow(/^not a SEB config/);
    expect(() => readSebFile(Buffer.from('<?xml version="1.0"?><plist><array/></plist>'))).toThrow(/not a dictionary/);
  });

  it('checks the HMAC before decrypting (RNCryptor v2 layout)', () => {
    const data = rnEncrypt(Buffer.from('plain text'), 'pw', (n) => Buffer.alloc(n, 7));
    expect([...data.subarray(0, 2)]).toEqual([2, 1]);
    expect(data.length).toBe(34 + 16 + 32);
    expect(rnDecrypt(data, 'pw').toString()).toBe('plain text');
  });
});

describe('importing a SEB config', () => {
  it('maps start and quit URLs, the quit password, allow rules, prohibited processes, VMs and displays, and lists every other key', () => {
    const imported = importSebSettings(settings);
    const policy = parsePolicy(imported.policy, 'exam.seb');
    expect(policy).toMatchObject({
      examUrl: settings.startURL,
      quitUrl: 'https://lms.example.edu/quit',
      quitPasswordHash: `sha256$${settings.hashedQuitPassword as string}`,
      allowedOrigins: ['https://lms.example.edu', 'https://cdn.example.edu'],
      sebConfigKey: configKey(settings),
      os: { prohibitedProcesses: 'refuse_to_start', extraProhibited: [{ pattern: 'teamviewer', category: 'cheating_tool' }], virtualMachine: 'refuse_to_start', multipleDisplays: 'refuse_to_start' },
    });
    expect(imported.unmapped.map((u) => u.key)).toEqual([
      'URLFilterRules[1] (^https://.*\\.example\\.edu/.*$)',
      'URLFilterRules[2] (chat.example.com)',
      'URLFilterRules[3] (old.example.edu)',
      'prohibitedProcesses[1]',
      'Zeta', 'allowQuit', 'alpha', 'emptyDict', 'enablePrintScreen', 'nested', 'photo', 'when', 'zeta',
    ]);
    expect(imported.unmapped.find((u) => u.key.startsWith('URLFilterRules[2]'))?.why).toMatch(/block rules/);
  });

  it('keeps the imported quit password working against SEB\'s hash', async () => {
    const { verifyPassword } = await import('../../live/password');
    const hash = parsePolicy(importSebSettings(settings).policy).quitPasswordHash!;
    expect(await verifyPassword('let-me-out', hash)).toBe(true);
    expect(await verifyPassword('let-me-in', hash)).toBe(false);
  });
});
