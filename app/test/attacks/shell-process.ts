/**
 * The browser shell in a process of its own for the attack and fuzz tests (started with tsx from source): a
 * request that crashes it ends this process, as it would end the real shell and its engine. Serves a one-line
 * page from argv[2]; prints `shell <launch url or origin>` once listening.
 */
import { join } from 'node:path';
import { createRpcClient } from '../../engine/rpc/client';
import { forkEngine } from '../../engine/rpc/node-process';
import { startBrowserShell } from '../../browser-shell/server';

const web = process.argv[2]!;
const transport = forkEngine(join(import.meta.dirname, '..', '..', 'engine', 'main.ts'), { execArgv: ['--import', 'tsx'] });
const engine = createRpcClient(transport);
await engine.call('engine.ping', { nonce: 'up' }, 60_000);
const shell = await startBrowserShell({ rendererDir: web, bridgeFile: join(web, 'bridge.js'), engine });
process.stdout.write(`shell ${(shell as { launchUrl?: string }).launchUrl ?? shell.url}\n`);
const stop = () => {
  transport.close();
  void shell.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
