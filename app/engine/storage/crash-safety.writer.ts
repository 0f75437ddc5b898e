/**
 * Test fixture for crash-safety.test.ts: appends events to one session forever, printing each event id only
 * after its transaction has committed. The test kills this process with SIGKILL at a random moment.
 */
import { writeSync } from 'node:fs';
import { openStore } from './store';

const [path, sessionId] = process.argv.slice(2);
if (!path || !sessionId) throw new Error('usage: crash-safety.writer.ts <db> <session-id>');
const store = openStore(path);
if (!store.sessions.get(sessionId)) store.sessions.create({ id: sessionId, source: 'crash-test' });
writeSync(1, 'ready\n');
for (let i = 0; ; i += 1) {
  const row = store.events.append(sessionId, i / 10, 'tick', { i, pad: 'x'.repeat(i % 500) });
  // writeSync: a buffered write could report ids the kill then swallows, or print before the commit.
  writeSync(1, `${row.id}\n`);
}
