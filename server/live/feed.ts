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
      // One notification carries the messages published together (see `publish`).
      for (const { examId, message } of JSON.parse(n.payload) as { examId: string; message: unknown }[]) deliver(examId, message);
    } catch {
      // not ours
    }
  });
  // A lost listener connection must not take the server down; the feed is best-effort, the database is the record.
  listener.on('error', () => undefined);
  await listener.query(`LISTEN ${CHANNEL}`);
  // Messages published in the same turn of the event loop go out together, as few notifications as fit in
  // pg_notify's payload limit: under load one heartbeat's NOTIFY each was a round trip per request.
  let queued: string[] = [];
  let flushing: Promise<void> | null = null;
  const flush = async () => {
    const items = queued;
    queued = [];
    flushing = null;
    const payloads: string[] = [];
    let current: string[] = [];
    let size = 2;
    for (const item of items) {
      if (current.length && size + item.length + 1 > MAX_PAYLOAD) {
        payloads.push(`[${current.join(',')}]`);
        current = [];
        size = 2;
      }
      current.push(item);
      size += item.length + 1;
    }
    if (current.length) payloads.push(`[${current.join(',')}]`);
    for (const payload of payloads) await sql`select pg_notify(${CHANNEL}, ${payload})`.execute(store.db);
  };
  return {
    publish(examId, message) {
      const item = JSON.stringify({ examId, message });
      if (item.length > MAX_PAYLOAD - 2) return Promise.resolve();
      queued.push(item);
      flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(flush);
      return flushing;
    },
    subscribe,
    close: () => listener.end(),
  };
}
