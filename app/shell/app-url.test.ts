import { describe, expect, it } from 'vitest';
import { createNavigationAllowList } from '../lockdown/navigation';
import { APP_ORIGIN, appFileFor, isAppUrl } from './app-url';
import { appUrlForLink, parseExamLink } from './exam-link';

/**
 * The URLs Electron hands the main process for our window, as Chromium canonicalises a registered standard
 * scheme: the window's URL (`webContents.getURL()`, `senderFrame.url`), the protocol handler's request URL, and the
 * permission check's requesting origin (no trailing slash).
 */
const ELECTRON_APP_URLS = [
  'vigil-app://app/',
  'vigil-app://app/index.html',
  'vigil-app://app/assets/index-3f2a1b.js',
  'vigil-app://app/?policy=maths-101',
  'vigil-app://app/#/settings',
  'vigil-app://app/?policy=maths-101#/health',
  'vigil-app://app',
];

const NOT_APP_URLS = [
  'vigil-app://evil/', 'vigil-app://app.evil/', 'vigil-app://app@evil/', 'vigil-app://evil@app/', 'vigil-app://app:8080/', 'vigil-app://user:pw@app/',
  'vigil-app:app', 'vigil-app:///app', 'https://app/', 'http://app/', 'file:///app/index.html', 'about:blank', 'data:text/html,x', 'javascript:alert(1)',
  'vigil://exam/maths', 'null', '', 'not a url',
];

describe("the main process's app-URL check", () => {
  it('is what Node says: a vigil-app: URL has the opaque origin "null", so origins cannot be compared', () => {
    expect(new URL('vigil-app://app/').origin).toBe('null');
    expect(new URL('vigil-app://evil/').origin).toBe('null');
  });

  it.each(ELECTRON_APP_URLS)('accepts %s', (url) => {
    expect(isAppUrl(url)).toBe(true);
  });

  it.each(NOT_APP_URLS)('refuses %j', (url) => {
    expect(isAppUrl(url)).toBe(false);
  });

  it('maps protocol requests to files under the renderer folder, and nothing else', () => {
    const root = '/opt/vigil/renderer';
    expect(appFileFor(root, 'vigil-app://app/')).toBe('/opt/vigil/renderer/index.html');
    expect(appFileFor(root, 'vigil-app://app/assets/index-3f2a1b.js')).toBe('/opt/vigil/renderer/assets/index-3f2a1b.js');
    expect(appFileFor(root, 'vigil-app://app/?policy=x#/settings')).toBe('/opt/vigil/renderer/index.html');
    expect(appFileFor(root, 'vigil-app://app/a%20b.css')).toBe('/opt/vigil/renderer/a b.css');
    expect(appFileFor(root, 'vigil-app://evil/index.html')).toBeNull();
    // The URL parser resolves %2e%2e as a dot-dot segment already: what is left stays under the folder.
    expect(appFileFor(root, 'vigil-app://app/%2e%2e/%2e%2e/etc/passwd')).toBe('/opt/vigil/renderer/etc/passwd');
    expect(appFileFor(root, 'vigil-app://app/..%2F..%2Fetc%2Fpasswd')).toBeNull();
    expect(appFileFor(root, 'vigil-app://app/%E0%A4%A')).toBe('bad_request');
    expect(appFileFor(root, 'vigil-app://app/a%00b')).toBe('bad_request');
  });

  it('lets the window navigate to the app itself and, during an exam, to its allowed sites only', () => {
    const outside = createNavigationAllowList(APP_ORIGIN, []);
    const exam = createNavigationAllowList(APP_ORIGIN, ['https://exam.example.org']);
    for (const url of ELECTRON_APP_URLS) expect(outside(url), url).toBe(true);
    expect(exam('https://exam.example.org/q/1')).toBe(true);
    expect(outside('https://exam.example.org/q/1')).toBe(false);
    for (const url of NOT_APP_URLS) expect(outside(url), url).toBe(false);
  });

  it('opens an exam link on an app URL that the check accepts', () => {
    const link = parseExamLink('vigil://exam/maths-101');
    expect(link.ok).toBe(true);
    const url = appUrlForLink(APP_ORIGIN, link as { ok: true; policyName: string });
    expect(url).toBe('vigil-app://app/?policy=maths-101');
    expect(isAppUrl(url)).toBe(true);
  });
});
