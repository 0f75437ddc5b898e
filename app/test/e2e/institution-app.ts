/**
 * An institution's build of Vigil, as its release workflow makes one (build/write-trust.ts, then the installer):
 * this checkout's built app with the institution's exam-signing key in `resources/trust.json`. The engine trusts
 * only keys built into the app or deployed machine-wide (app/engine/config/trust.ts), so a spec that opens a
 * config signed by a test server's fresh key runs this build, never a trust file the candidate could write.
 * dist/ is copied (the engine finds its resources from its own real path); node_modules and models are linked.
 */
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './launch';

export function institutionApp(trust: { version: 1; keys: unknown[] }): string {
  const root = mkdtempSync(join(tmpdir(), 'vigil-institution-app-'));
  cpSync(join(projectRoot, 'package.json'), join(root, 'package.json'));
  cpSync(join(projectRoot, 'dist'), join(root, 'dist'), { recursive: true });
  for (const linked of ['node_modules', 'models']) symlinkSync(join(projectRoot, linked), join(root, linked));
  mkdirSync(join(root, 'resources'));
  writeFileSync(join(root, 'resources', 'trust.json'), `${JSON.stringify(trust, null, 2)}\n`);
  return root;
}
