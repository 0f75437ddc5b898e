/**
 * A published exam opened by its vigil:// link: the reference server (a real `vigil-server` process on PGlite)
 * publishes an exam, and the candidate app built with that institution's key trusted (institution-app.ts) opens
 * the link as the shells do (app/shell/exam-link.ts: the link's parser and the app address it maps to). The engine
 * verifies the signed config inside; a link changed on its way is refused with one line naming the signature.
 */
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Ed25519PublicJwk } from '../../engine/config/trust';
import { trustEntry } from '../../engine/config/signed-config';
import { freeLoopbackPort } from '../../engine/sync/testing/ports';
import { startServerProcess, vigilServer, type ServerProcess } from '../../engine/sync/testing/server-process';
import { staffSession } from '../../engine/sync/testing/staff-api';
import { appUrlForLink, parseExamLink } from '../../shell/exam-link';
import { snap, test } from './fixtures';
import { institutionApp } from './institution-app';

const dir = mkdtempSync(join(tmpdir(), 'vigil-exam-link-'));
let server: ServerProcess | undefined;
let link = '';
let appRoot = '';

beforeAll(async () => {
  const home = join(dir, 'server');
  writeFileSync(join(dir, 'password'), 'a long enough admin password');
  const init = vigilServer(home, ['init', '--admin-email', 'admin@example.org', '--admin-password-file', join(dir, 'password'), '--institution', 'Example University']);
  expect(init.status, init.stderr).toBe(0);
  // The institution's public key, as `init` names it, goes into the app's trust file at build time.
  const publicKeyFile = /exam-signing key (\S+\.pem)/.exec(init.stdout)![1]!;
  const jwk = createPublicKey(readFileSync(publicKeyFile, 'utf8')).export({ format: 'jwk' }) as Ed25519PublicJwk;
  appRoot = institutionApp({ version: 1, keys: [await trustEntry(jwk, 'Example University')] });

  server = await startServerProcess(home, await freeLoopbackPort());
  const admin = await staffSession(server.url, 'admin@example.org', 'a long enough admin password');
  const { examId } = await admin.post<{ examId: string }>('/api/v1/exams', { name: 'Algebra 1', policy: { processingFps: 6, allowedOrigins: ['https://exam.example.org'] } });
  const published = await admin.post<{ config: string; link: string }>(`/api/v1/exams/${examId}/publish`, { serverUrl: server.url });
  link = published.link;
}, 180_000);
afterAll(async () => server?.kill());

describe('an exam published as a vigil:// link', () => {
  test('opens in the candidate app, verified; the same link changed on its way is refused in one line', async ({ launch }) => {
    expect(link).toMatch(/^vigil:\/\/exam\/config\/[\w-]+\.[\w-]+\.[\w-]+$/);
    const app = await launch({ appRoot });
    const { page } = app;
    const opened = parseExamLink(link);
    if (!opened.ok) throw new Error(opened.reason);
    if (opened.config === undefined) throw new Error(`${link}: not a config link`);
    // The shells open the app at the address the link maps to; the origin there ends in '/'.
    await page.goto(appUrlForLink(app.origin.replace(/\/$/, ''), opened));
    const loaded = page.getByTestId('policy-loaded');
    await loaded.waitFor({ timeout: 30_000 });
    expect(await loaded.textContent()).toMatch(/The exam link is ready: camera analysed 6 times a second; 1 exam site\(s\) allowed\. Signed by Example University\./);
    // The signed text leaves the address once read (it holds the enrolment token).
    expect(page.url()).not.toContain('config=');
    await snap(page, 'exam-link-01-opened');

    // Attacks: the payload edited (a different processing rate), the signature's last characters changed, and a
    // signature from another exam glued on. Each gets one line naming the signature; nothing opens.
    const [header, payload, signature] = opened.config.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { policy: { processingFps: number } };
    claims.policy.processingFps = 1;
    const edited = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const flipped = `${header}.${payload}.${signature.slice(0, -4)}${signature.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    for (const [name, config] of [['edited payload', edited], ['changed signature', flipped]] as const) {
      const tampered = parseExamLink(`vigil://exam/config/${config}`);
      if (!tampered.ok) throw new Error(`${name}: ${tampered.reason}`);
      await page.goto(appUrlForLink(app.origin.replace(/\/$/, ''), tampered));
      const problem = page.getByTestId('policy-problem');
      await problem.waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('policy-field').textContent(), name).toBe('(signature)');
      expect(await page.getByTestId('policy-rule').textContent(), name).toBe('signature does not verify against "Example University" (the config was changed after signing, or signed by another key)');
      expect(await page.getByTestId('policy-loaded').count(), name).toBe(0);
    }
    await snap(page, 'exam-link-02-tampered');
  });
});
