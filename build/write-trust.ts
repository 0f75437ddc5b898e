/**
 * Writes resources/trust.json for an institution's installer at build time (the release workflow runs it before
 * electron-builder): the keys it signs exam configs with and its default server, from the environment.
 *   VIGIL_TRUST_JSON      a whole trust file (version 1), or
 *   VIGIL_TRUST_KEYS      a JSON array of trust entries (`vigil config keygen` prints one; `vigil-server init` too)
 *   VIGIL_DEFAULT_SERVER  the server URL configs without one report to (optional), VIGIL_DEFAULT_SERVER_PIN its SPKI pin
 * Refuses a trust file with no keys unless --allow-empty: such an installer opens only the practice exam.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrustFile, TrustFileError } from '../app/engine/config/trust';

export function trustFromEnv(env: NodeJS.ProcessEnv): unknown {
  const base = env.VIGIL_TRUST_JSON ? (JSON.parse(env.VIGIL_TRUST_JSON) as Record<string, unknown>) : { version: 1, keys: env.VIGIL_TRUST_KEYS ? (JSON.parse(env.VIGIL_TRUST_KEYS) as unknown) : [] };
  if (env.VIGIL_DEFAULT_SERVER) base.defaultServer = { url: env.VIGIL_DEFAULT_SERVER, ...(env.VIGIL_DEFAULT_SERVER_PIN ? { spkiPin: env.VIGIL_DEFAULT_SERVER_PIN } : {}) };
  return base;
}

if (process.argv[1]?.endsWith('write-trust.ts')) {
  try {
    const trust = parseTrustFile(trustFromEnv(process.env), 'VIGIL_TRUST_JSON / VIGIL_TRUST_KEYS');
    if (trust.keys.length === 0 && !process.argv.includes('--allow-empty')) throw new TrustFileError('no signing keys given: set VIGIL_TRUST_KEYS (or VIGIL_TRUST_JSON); --allow-empty builds an installer that opens only the practice exam');
    const out = join(import.meta.dirname, '..', 'resources', 'trust.json');
    writeFileSync(out, `${JSON.stringify(trust, null, 2)}\n`);
    process.stdout.write(`${out}: ${trust.keys.length} key(s) (${trust.keys.map((k) => k.name).join(', ')})${trust.defaultServer ? `, default server ${trust.defaultServer.url}` : ''}\n`);
  } catch (error) {
    process.stderr.write(`vigil: trust file: ${(error as Error).message.split('\n')[0]}\n`);
    process.exit(1);
  }
}
