/**
 * `read-record.ts <db> <session id>`: prints one JSON line with what the store holds of a live session: its
 * row, whether its event chain verifies, its frames, and its events counted by type (with the signals and
 * evidence ranges). Run on the app's own runtime (RunningApp.node), like read-segment.ts.
 */
import { openStore } from '../../engine/storage/store';

const [db, sessionId] = process.argv.slice(2);
if (!db || !sessionId) throw new Error('usage: read-record.ts <db> <session id>');
const store = openStore(db);
try {
  const events = store.events.list(sessionId);
  const byType: Record<string, number> = {};
  for (const e of events) byType[e.type] = (byType[e.type] ?? 0) + 1;
  process.stdout.write(
    `${JSON.stringify({
      session: store.sessions.get(sessionId) ?? null,
      chain: store.events.verifyChain(sessionId),
      frames: store.frameFeatures.list(sessionId).length,
      byType,
      prohibited: events.filter((e) => e.type === 'prohibited_process').map((e) => ({ t: e.t, name: (e.payload as { name: string }).name })),
      segments: events.filter((e) => e.type === 'evidence.segment').map((e) => e.payload as { start: number; end: number }),
      flagged: events.filter((e) => e.type === 'interval.flagged').map((e) => e.payload as { start: number; flaggedAt: number }),
    })}\n`,
  );
} finally {
  store.close();
}
