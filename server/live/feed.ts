/**
 * The live feed: heartbeats, enrolments, reports, evidence and chain breaks, per exam. On PostgreSQL every
 * server process LISTENs on one channel and publishes with pg_notify, so a subscriber connected to any process
 * sees what arrived at any other; on PGlite (one process) it is an in-process emitter.
 */
import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import pg from 'pg';
import type { LiveFeed } from '../context';
import type { ServerDb } from '../store/db';

const CHANNEL = 'vigil_live';
/** pg_notify's payload limit is 8000 bytes; live messages are small summaries, never evidence. */
const MAX_PAYLOAD = 7900;

export interface ClosableFeed extends LiveFeed {
  close(): Promise<void>;
}

export async function openLiveFeed(store: ServerDb): Promise<ClosableFeed> {
  const emitter = new EventEmitter().setMaxListeners(0);
  const deliver = (examId: string, message: unknown) => emitter.emit('message', examId, message);
  const subscribe = (listener: (examId: string, message: unknown) => void) => {
    emitter.on('message', listener);
    return () => void emitter.off('message', listener);
  };
  if (store.kind === 'pglite' || !store.url) {
    return { publish: async (examId, message) => void deliver(examId, message), subscribe, close: async () => undefined };
  }
  const listener = new pg.Client({ connectionString: store.url });
  await listener.connect();
  listener.on('notification', (n) => {
    if (n.channel !== CHANNEL || !n.payload) return;
    try {
      const { examId, message } = JSON.parse(n.payload) as { examId: string; message: unknown };
      deliver(examId, message);
    } catch {
      // not ours
    }
  });
  // A lost listener connection must not take the server down; the feed is best-effort, the database is the record.
  listener.on('error', () => undefined);
  await listener.query(`LISTEN ${CHANNEL}`);
  return {
    async publish(examId, message) {
      const payload = JSON.stringify({ examId, message });
      if (payload.length > MAX_PAYLOAD) return;
      await sql`select pg_notify(${CHANNEL}, ${payload})`.execute(store.db);
    },
    subscribe,
    close: () => listener.end(),
  };
}
