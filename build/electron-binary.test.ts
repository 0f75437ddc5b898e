/**
 * `npm start` where Electron's binary cannot be fetched: one line saying why, never the installer's stack trace.
 * The electron package is a stand-in here (a folder with an install.js): the real one would reach the network.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectronBinary } from './electron-binary.mjs';

function fakeElectronPackage(install: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-electron-pkg-'));
  writeFileSync(join(dir, 'install.js'), install);
  return dir;
}

describe("npm start's Electron lookup", () => {
  it('turns a failed download into one line naming the cause', () => {
    const dir = fakeElectronPackage("console.log('Downloading Electron binary...'); console.error('TypeError: fetch failed\\n    at node:internal/deps/undici/undici:14976:13\\n    at async FetchDownloader.download'); process.exit(1);");
    const found = findElectronBinary(dir);
    expect(found).toEqual({ reason: 'its binary could not be downloaded: TypeError: fetch failed' });
    expect(found.reason!.split('\n')).toHaveLength(1);
  });

  it('uses the binary once the installer has put it in place, without running it again', () => {
    const dir = fakeElectronPackage("require('fs').mkdirSync(__dirname + '/dist'); require('fs').writeFileSync(__dirname + '/dist/electron', ''); require('fs').writeFileSync(__dirname + '/path.txt', 'electron');");
    expect(findElectronBinary(dir)).toEqual({ path: join(dir, 'dist', 'electron') });
    writeFileSync(join(dir, 'install.js'), 'process.exit(1)');
    mkdirSync(join(dir, 'dist'), { recursive: true });
    expect(findElectronBinary(dir)).toEqual({ path: join(dir, 'dist', 'electron') });
  });
});
