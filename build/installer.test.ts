/**
 * The installer on paper: what this machine can check without Electron's binary or the platforms' toolchains.
 * electron-builder.yml passes electron-builder's own schema (the check `electron-builder` runs first), the
 * afterPack script flips exactly the listed fuses (on a stand-in binary carrying Electron's fuse wire: the real
 * binary cannot be fetched here), and the trust file is packed inside app.asar, once.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import afterPack, { electronBinaryPath, VIGIL_FUSES } from './after-pack.mjs';
import { trustFromEnv } from './write-trust';
import { parseTrustFile } from '../app/engine/config/trust';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: unknown): Promise<Record<string, unknown>>;
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean }): Promise<void>;
};
const { minimatch } = require('minimatch') as { minimatch(path: string, pattern: string, options?: object): boolean };

type BuilderConfig = {
  /** getConfig normalises the list into one file set. */
  files: { filter: string[] }[];
  asarUnpack: string[];
  extraResources: { from: string; to: string; filter?: string[] }[];
  protocols: { schemes: string[] }[];
  afterPack: string;
  electronFuses?: unknown;
  mac: { hardenedRuntime: boolean; notarize: boolean; entitlements: string; target: string[] };
  win: { target: string[]; forceCodeSigning: boolean };
  linux: { target: string[]; mimeTypes: string[] };
};
const config = (await getConfig(root, join(root, 'electron-builder.yml'), null)) as unknown as BuilderConfig;

/** electron-builder's rule for a file list: the last matching pattern wins, `!` excludes. */
function included(path: string, patterns: readonly string[]): boolean {
  let hit = false;
  for (const p of patterns) {
    if (p.startsWith('!') ? minimatch(path, p.slice(1), { dot: true }) : minimatch(path, p, { dot: true })) hit = !p.startsWith('!');
  }
  return hit;
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own configuration schema, which refuses a misspelt option", async () => {
    await expect(validateConfiguration(config, { isEnabled: false })).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, mac: { ...config.mac, notarise: true } }, { isEnabled: false })).rejects.toThrow(/^Invalid configuration object\. electron-builder [\d.]+ .*\n - configuration\.mac /);
  });

  it('builds NSIS (signed), a notarised hardened dmg with camera and microphone entitlements, AppImage and deb, and registers vigil://', () => {
    expect(config.win).toMatchObject({ target: ['nsis'], forceCodeSigning: true });
    expect(config.mac).toMatchObject({ target: ['dmg'], hardenedRuntime: true, notarize: true });
    const entitlements = readFileSync(join(root, config.mac.entitlements), 'utf8');
    expect(entitlements).toMatch(/com\.apple\.security\.device\.camera<\/key><true\/>/);
    expect(entitlements).toMatch(/com\.apple\.security\.device\.audio-input<\/key><true\/>/);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.mimeTypes).toContain('x-scheme-handler/vigil');
    expect(config.protocols.flatMap((p) => p.schemes)).toEqual(['vigil']);
  });

  it('packs resources/trust.json inside app.asar (covered by its integrity check), and nowhere else', () => {
    expect(included('resources/trust.json', config.files.flatMap((f) => f.filter))).toBe(true);
    expect(included('dist/engine.mjs.map', config.files.flatMap((f) => f.filter))).toBe(false);
    expect(config.asarUnpack.some((p) => minimatch('resources/trust.json', p, { dot: true }))).toBe(false);
    const resources = config.extraResources.find((r) => r.from === 'resources')!;
    expect(included('trust.json', resources.filter ?? ['**/*'])).toBe(false);
    expect(included('README.md', resources.filter ?? ['**/*'])).toBe(true);
  });

  it('carries ffmpeg and ffprobe for the platform being built', () => {
    expect(config.extraResources.filter((r) => r.to === 'ffmpeg').map((r) => r.from)).toEqual(['node_modules/@ffmpeg-installer/${platform}-${arch}', 'node_modules/@ffprobe-installer/${platform}-${arch}']);
  });
});

/** @electron/fuses' wire states (its FuseState enum is not exported): '0', '1', and "inherit". */
const FuseState = { DISABLE: 48, ENABLE: 49, INHERIT: 144 } as const;

/** A stand-in for Electron's binary: padding, Electron's fuse sentinel, wire version 1, eight fuses all "inherit". */
function fakeElectron(path: string): void {
  const wire = Buffer.from([1, 8, ...Array<number>(8).fill(FuseState.INHERIT)]);
  writeFileSync(path, Buffer.concat([Buffer.alloc(4096, 0x90), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), wire, Buffer.alloc(4096, 0x90)]));
}

describe('fuses (build/after-pack.mjs)', () => {
  it('are exactly the listed ones, flipped by afterPack rather than a second mechanism', () => {
    expect(config.afterPack).toBe('build/after-pack.mjs');
    expect(config.electronFuses).toBeUndefined();
    expect(VIGIL_FUSES).toEqual({
      version: '1',
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    });
  });

  it('are written into the packed binary for Linux and Windows', async () => {
    for (const platform of ['linux', 'win32'] as const) {
      const appOutDir = mkdtempSync(join(tmpdir(), `vigil-afterpack-${platform}-`));
      const context = { appOutDir, electronPlatformName: platform, arch: 1, packager: { appInfo: { productFilename: 'Vigil' }, executableName: 'vigil' } };
      const binary = electronBinaryPath(context);
      expect(binary).toBe(join(appOutDir, platform === 'win32' ? 'Vigil.exe' : 'vigil'));
      fakeElectron(binary);
      await afterPack(context);
      const wire = await getCurrentFuseWire(binary);
      expect({
        runAsNode: wire[FuseV1Options.RunAsNode],
        cookieEncryption: wire[FuseV1Options.EnableCookieEncryption],
        nodeOptions: wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable],
        inspect: wire[FuseV1Options.EnableNodeCliInspectArguments],
        asarIntegrity: wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation],
        onlyAsar: wire[FuseV1Options.OnlyLoadAppFromAsar],
      }).toEqual({ runAsNode: FuseState.DISABLE, cookieEncryption: FuseState.ENABLE, nodeOptions: FuseState.DISABLE, inspect: FuseState.DISABLE, asarIntegrity: FuseState.ENABLE, onlyAsar: FuseState.ENABLE });
    }
  });
});

describe('the trust file written at build time (build/write-trust.ts)', () => {
  const entry = { kid: 'Gv-keaDSMCQoknICc_rOdk-iL1Qi_AdjBsupjiTdSrk', name: 'Example University', publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'JZbzAxQhTLb8Il_IImU4TNvKf-SKc98DpCwRhxA-qaU' } };

  it('takes the keys and the default server from the release environment', () => {
    const trust = parseTrustFile(trustFromEnv({ VIGIL_TRUST_KEYS: JSON.stringify([entry]), VIGIL_DEFAULT_SERVER: 'https://exams.example.edu' }), 'env');
    expect(trust).toMatchObject({ version: 1, keys: [{ name: 'Example University', practiceOnly: false }], defaultServer: { url: 'https://exams.example.edu' } });
  });

  it('refuses a malformed key, naming the field', () => {
    expect(() => parseTrustFile(trustFromEnv({ VIGIL_TRUST_KEYS: JSON.stringify([{ ...entry, publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'short' } }]) }), 'env')).toThrow(/^env: keys\.0\.publicKey\.x: must be 32 bytes, base64url$/);
  });
});

describe('the release workflow (.github/workflows/release.yml)', () => {
  const { load } = require('js-yaml') as { load(text: string): unknown };
  const text = readFileSync(join(root, '.github', 'workflows', 'release.yml'), 'utf8');
  const workflow = load(text) as { jobs: { installer: { strategy: { matrix: { include: { os: string }[] } }; steps: { run?: string }[] } } };

  it('builds on Windows, macOS and Linux runners with the signing, notarisation and trust secrets', () => {
    expect(workflow.jobs.installer.strategy.matrix.include.map((m) => m.os)).toEqual(['windows-latest', 'macos-latest', 'ubuntu-latest']);
    for (const secret of ['WIN_CSC_LINK', 'WIN_CSC_KEY_PASSWORD', 'MAC_CSC_LINK', 'MAC_CSC_KEY_PASSWORD', 'APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER', 'VIGIL_TRUST_KEYS']) expect(text).toContain(`secrets.${secret}`);
    const runs = workflow.jobs.installer.steps.map((s) => s.run ?? '');
    expect(runs.findIndex((r) => r.includes('build/write-trust.ts'))).toBeLessThan(runs.findIndex((r) => r.includes('npm run dist')));
  });
});
