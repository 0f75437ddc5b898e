import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

/** Lints a snippet as if it lived at `file`, returning the boundary messages only. */
async function boundaryMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('process boundaries (eslint.config.js)', () => {
  it('rejects importing electron from app/engine, saying where the code belongs', async () => {
    const messages = await boundaryMessages('app/engine/vision/camera.ts', "import { app } from 'electron';\nexport const x = app;\n");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/Put Electron code in app\/shell, app\/lockdown or app\/adapters/);
  });

  it.each(['../../shell/window', '../ipc/contract', '../../lockdown/kiosk', '../adapters/camera'])('rejects importing %s from app/engine', async (spec) => {
    const messages = await boundaryMessages('app/engine/rules/no-face.ts', `import { x } from '${spec}';\nexport const y = x;\n`);
    expect(messages[0]).toMatch(/Define a port in app\/engine\/ports\.ts/);
  });

  it('allows the engine its own modules and Node', async () => {
    expect(await boundaryMessages('app/engine/rules/no-face.ts', "import { join } from 'node:path';\nimport { openStore } from '../storage/store';\nexport const y = [join, openStore];\n")).toEqual([]);
  });

  it('rejects renderer imports from app/ other than the contract', async () => {
    const messages = await boundaryMessages('renderer/features/exam/store.ts', "import { openStore } from '../../../app/engine/storage/store';\nexport const y = openStore;\n");
    expect(messages[0]).toMatch(/may import only app\/ipc\/contract\.ts/);
    expect(await boundaryMessages('renderer/features/exam/store.ts', "import type { Channel } from '../../../app/ipc/contract';\nexport type C = Channel;\n")).toEqual([]);
  });

  it('rejects Node and native modules in the renderer', async () => {
    const messages = await boundaryMessages('renderer/lib/files.ts', "import { readFileSync } from 'node:fs';\nexport const y = readFileSync;\n");
    expect(messages[0]).toMatch(/sandboxed web content without Node/);
  });
});

describe('client and server boundaries (eslint.config.js)', () => {
  it.each(['app/engine/sync/spooler.ts', 'app/cli/commands/sync.ts'])('rejects importing the server from %s', async (file) => {
    const depth = file.split('/').length - 1;
    const messages = await boundaryMessages(file, `import { buildApp } from '${'../'.repeat(depth)}server/app';\nexport const y = buildApp;\n`);
    expect(messages[0]).toMatch(/never imports the server/);
  });

  it('still lets the engine import its own rpc/server module', async () => {
    expect(await boundaryMessages('app/engine/live/x.ts', "import { serve } from '../rpc/server';\nexport const y = serve;\n")).toEqual([]);
  });

  it.each(['../../app/engine/storage/store', '../../app/engine/session/analyze-file', '../../app/cli/main'])('rejects the server importing %s', async (spec) => {
    const messages = await boundaryMessages('server/api/reports.ts', `import { x } from '${spec}';\nexport const y = x;\n`);
    expect(messages[0]).toMatch(/may import from app\/ only the pure modules/);
  });

  it('allows the server the sync protocol, the report and policy schemas and the hash chain', async () => {
    const code = [
      "import { EventBatch } from '../../app/engine/sync/protocol';",
      "import { Report } from '../../app/engine/report/report';",
      "import { ExamPolicy } from '../../app/engine/policy/policy';",
      "import { verifyLinks } from '../../app/engine/storage/hash-chain';",
      'export const y = [EventBatch, Report, ExamPolicy, verifyLinks];',
    ].join('\n');
    expect(await boundaryMessages('server/api/sync.ts', code)).toEqual([]);
  });

  it('rejects native engine modules in the server', async () => {
    const messages = await boundaryMessages('server/store/db.ts', "import Database from 'better-sqlite3';\nexport const y = Database;\n");
    expect(messages[0]).toMatch(/runs without Electron and the engine's native modules/);
  });
});
