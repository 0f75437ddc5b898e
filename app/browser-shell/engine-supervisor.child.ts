/**
 * Test helper process (engine-supervisor.test.ts): a small engine process speaking the real RPC protocol over
 * Node's IPC channel, answering `whoami` with its pid and whether it was started as a restart.
 */
import { parentPortOfForkedProcess } from '../engine/rpc/node-process';
import { serveRpc } from '../engine/rpc/server';

const transport = parentPortOfForkedProcess();
if (!transport) throw new Error('start me with an IPC channel');
serveRpc(transport, { whoami: async () => ({ pid: process.pid, restarted: process.env.VIGIL_ENGINE_RESTART === '1' }) });
transport.onClose(() => process.exit(0));
