/**
 * A small local "LMS" on loopback that checks X-SafeExamBrowser-ConfigKeyHash the way Moodle's quizaccess_seb
 * does (SHA-256 of the full request URL followed by each Config Key the quiz accepts, compared with the header) and
 * serves the quiz only when it matches. Vigil's header is made by `sebHeaderFor`, the function the Electron
 * shell's onBeforeSendHeaders calls. Attacks tried: a changed config, the header of another URL, no header, and
 * a request to a site outside the exam (which must not get the header at all).
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configKey } from '../engine/config/seb/config-key';
import { sebHeaderFor } from './seb-header';

const published = { startURL: 'http://127.0.0.1/mod/quiz/view.php?id=3', allowQuit: false, URLFilterEnable: true };
const changed = { ...published, allowQuit: true };

let server: Server;
let base = '';

/** What Moodle does: the header must equal sha256(FULLME + key) for one of the quiz's keys. */
function moodleAccepts(fullUrl: string, header: string | undefined, keys: readonly string[]): boolean {
  if (!header) return false;
  return keys.some((key) => createHash('sha256').update(fullUrl + key).digest('hex') === header.toLowerCase());
}

beforeAll(async () => {
  const keys = [configKey(published)];
  server = createServer((req, res) => {
    const fullUrl = `${base}${req.url ?? '/'}`;
    const header = req.headers['x-safeexambrowser-configkeyhash'];
    if (moodleAccepts(fullUrl, Array.isArray(header) ? header[0] : header, keys)) {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Quiz 3</h1>');
    } else {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('The config key or browser exam keys could not be validated.');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function get(url: string, headers: Record<string, string> | undefined): Promise<number> {
  return (await fetch(url, { headers })).status;
}

describe('the SEB Config Key header against a local LMS', () => {
  it('is accepted for the published config on the quiz URL, and refused for a changed config, another URL or no header', async () => {
    const quiz = `${base}/mod/quiz/view.php?id=3`;
    const exam = { configKey: configKey(published), allowedOrigins: [base] };
    const got = {
      rightConfig: await get(quiz, sebHeaderFor(`${quiz}#question-2`, exam)),
      changedConfig: await get(quiz, sebHeaderFor(quiz, { ...exam, configKey: configKey(changed) })),
      headerOfAnotherUrl: await get(quiz, sebHeaderFor(`${base}/mod/quiz/view.php?id=4`, exam)),
      noHeader: await get(quiz, undefined),
    };
    expect(got).toEqual({ rightConfig: 200, changedConfig: 403, headerOfAnotherUrl: 403, noHeader: 403 });
  });

  it('is never sent to a site outside the exam, nor on non-http requests, nor without an imported SEB config', () => {
    const exam = { configKey: configKey(published), allowedOrigins: [base] };
    expect(sebHeaderFor('https://tracker.example.com/pixel.gif', exam)).toBeUndefined();
    expect(sebHeaderFor(`${base.replace('http:', 'ws:')}/socket`, exam)).toBeUndefined();
    expect(sebHeaderFor('vigil-app://app/index.html', exam)).toBeUndefined();
    expect(sebHeaderFor('not a url', exam)).toBeUndefined();
    expect(sebHeaderFor(`${base}/quiz`, undefined)).toBeUndefined();
    expect(Object.keys(sebHeaderFor(`${base}/quiz`, exam)!)).toEqual(['X-SafeExamBrowser-ConfigKeyHash']);
  });
});
