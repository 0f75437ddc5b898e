/**
 * Test helper process (test-engine.ts): a small engine process speaking the real RPC protocol over Node's IPC
 * channel, answering `whoami` with its pid and whether it was started as a restart (what makes the real
 * engine mark the gap, engine/main.ts), and taking `session.signal`.
 */
import { RESTART_ENV } from './engine-supervisor';
import { parentPortOfForkedProcess } from './node-process';
import { serveRpc } from './server';

const transport = parentPortOfForkedProcess();
if (!transport) throw new Error('start me with an IPC channel');
const signals: unknown[] = [];
serveRpc(transport, {
  whoami: async () => ({ pid: process.pid, restarted: process.env[RESTART_ENV] === '1' }),
  // What this engine process took of `session.signal` (a real engine stores it; this one keeps it in memory).
  'session.signal': async (params: unknown) => void signals.push((params as { event: unknown }).event),
  signals: async () => ({ pid: process.pid, signals }),
});
transport.onClose(() => process.exit(0));
