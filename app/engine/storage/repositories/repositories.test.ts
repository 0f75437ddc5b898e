import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../store';
import { GENESIS } from '../hash-chain';

const newStore = () => openStore(join(mkdtempSync(join(tmpdir(), 'vigil-repo-')), 'vigil.db'));

describe('events', () => {
  it('chain each row to the previous hash, starting from genesis, per session', () => {
    const store = newStore();
    const a = store.sessions.create({ source: 'live', studentId: 'st1', examId: 'ex1' });
    const b = store.sessions.create({ source: 'live' });
    const e1 = store.events.append(a.id, 0.5, 'focus_lost', { app: 'terminal' });
    store.events.append(b.id, 0.7, 'clipboard', { op: 'copy' });
    const e2 = store.events.append(a.id, 1.5, 'no_face', { frames: 4 });
    expect(e1.prevHash).toBe(GENESIS);
    expect(e2.prevHash).toBe(e1.hash);
    expect(store.events.verifyChain(a.id)).toMatchObject({ ok: true, count: 2, head: e2.hash });
    expect(store.events.list(a.id).map((e) => e.type)).toEqual(['focus_lost', 'no_face']);
  });

  it('verifyChain names the first row whose content was altered behind the triggers', () => {
    const store = newStore();
    const s = store.sessions.create({ source: 'live' });
    const rows = [0, 1, 2, 3].map((i) => store.events.append(s.id, i, 'tick', { i }));
    store.close();
    // An attacker with the file can drop the trigger; the chain still catches them.
    const raw = new Database(store.path);
    raw.exec('DROP TRIGGER events_no_update');
    raw.prepare('UPDATE events SET payload = ? WHERE id = ?').run('{"i":99}', rows[2]!.id);
    raw.close();
    const again = openStore(store.path);
    expect(again.events.verifyChain(s.id)).toMatchObject({ ok: false, rowId: rows[2]!.id, count: 2, reason: expect.stringMatching(/altered/) });
  });

  it('verifyChain names the row after a deleted one', () => {
    const store = newStore();
    const s = store.sessions.create({ source: 'live' });
    const rows = [0, 1, 2].map((i) => store.events.append(s.id, i, 'tick', { i }));
    store.close();
    const raw = new Database(store.path);
    raw.exec('DROP TRIGGER events_no_delete');
    raw.prepare('DELETE FROM events WHERE id = ?').run(rows[1]!.id);
    raw.close();
    expect(openStore(store.path).events.verifyChain(s.id)).toMatchObject({ ok: false, rowId: rows[2]!.id, reason: expect.stringMatching(/removed/) });
  });
});

describe('segments', () => {
  it('store the clip with its sha256 and refuse bytes that no longer match', () => {
    const store = newStore();
    const s = store.sessions.create({ source: 'exam.mp4' });
    const bytes = new TextEncoder().encode('a flagged clip');
    const meta = store.segments.add(s.id, { start: 30, end: 45, reason: 'interval flagged', mime: 'video/mp4', bytes });
    expect(meta.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(store.segments.read(meta.id).toString()).toBe('a flagged clip');
    store.db.prepare("UPDATE segments SET bytes = x'00' WHERE id = ?").run(meta.id);
    expect(() => store.segments.read(meta.id)).toThrow(/do not match the stored sha256/);
  });
});

describe('sessions', () => {
  it('list by student and exam, newest first, and finish only once', () => {
    const store = newStore();
    store.sessions.create({ source: 'a', studentId: 's1', examId: 'e1', startedAt: new Date('2026-01-01') });
    const second = store.sessions.create({ source: 'b', studentId: 's1', examId: 'e2', startedAt: new Date('2026-01-02') });
    store.sessions.create({ source: 'c', studentId: 's2', examId: 'e1' });
    expect(store.sessions.list({ studentId: 's1' }).map((s) => s.source)).toEqual(['b', 'a']);
    expect(store.sessions.list({ examId: 'e1' })).toHaveLength(2);
    store.sessions.finish(second.id);
    expect(store.sessions.get(second.id)?.status).toBe('finished');
    expect(() => store.sessions.finish(second.id)).toThrow(/not open/);
  });
});

describe('frame features', () => {
  it('round-trip a batch in frame order', () => {
    const store = newStore();
    const s = store.sessions.create({ source: 'a' });
    const row = (i: number) => ({ frameIndex: i, t: i / 12, schemaVersion: 1, faceCount: 1, yaw: i, pitch: 0, roll: 0, gazeH: 0, gazeV: 0, gazeZone: 'center', data: { blink: 0.3 } });
    store.frameFeatures.insertMany(s.id, [row(1), row(0)]);
    expect(store.frameFeatures.list(s.id).map((r) => r.frameIndex)).toEqual([0, 1]);
    expect(() => store.frameFeatures.insertMany(s.id, [row(2), row(1)])).toThrow();
    expect(store.frameFeatures.list(s.id)).toHaveLength(2);
  });
});

describe('outbox', () => {
  it('keeps an item until it is acknowledged and backs off after a failure', () => {
    const store = newStore();
    const now = new Date('2026-06-01T10:00:00Z');
    const id = store.outbox.enqueue('report', { id: 1 }, null, now);
    expect(store.outbox.due(now).map((i) => i.id)).toEqual([id]);
    store.outbox.markFailed(id, 'server down', now);
    expect(store.outbox.due(now)).toEqual([]);
    expect(store.outbox.due(new Date(now.getTime() + 1500))).toMatchObject([{ id, attempts: 1, lastError: 'server down' }]);
    store.outbox.markSent(id);
    expect(store.outbox.pendingCount()).toBe(0);
  });
});

describe('outbox filled with what is stored', () => {
  const sync = { serverUrl: 'http://127.0.0.1:9/', examToken: 'exam-token-0123456789', studentId: 'st1' };

  it('queues enrolment, each event with its seq, each clip and the report of a synced session, in order', () => {
    const store = newStore();
    const s = store.sessions.create({ source: 'live', sync });
    const e1 = store.events.append(s.id, 1, 'alert.gaze_away', { a: 1 });
    const clip = store.segments.add(s.id, { start: 0, end: 2, reason: 'r', mime: 'video/mp4', bytes: new Uint8Array([1, 2, 3]) });
    const e2 = store.events.append(s.id, 2, 'alert.speech', { a: 2 });
    const reportId = store.reports.add({ sessionId: s.id, version: 1, risk: { score: 0.1, level: 'CLEAN' } });
    expect(store.outbox.pending().map((r) => [r.kind, r.payload])).toEqual([
      ['enrol', {}],
      ['event', { eventId: e1.id, seq: 1 }],
      ['evidence', { segmentId: clip.id, uploadUrl: null }],
      ['event', { eventId: e2.id, seq: 2 }],
      ['report', { reportId }],
    ]);
    expect(store.syncTargets.get(s.id)).toMatchObject({ serverUrl: 'http://127.0.0.1:9', lastSeq: 2, sessionToken: null });
  });

  it('shares a stored rolling segment once, and never deletes one queued for the server', () => {
    const store = newStore();
    const s = store.sessions.create({ source: 'live', sync });
    const rolling = () => store.segments.add(s.id, { start: 0, end: 2, reason: 'rolling live segment', mime: 'video/webm', bytes: new Uint8Array([1, 2, 3]), sync: false });
    const kept = rolling();
    const dropped = rolling();
    store.segments.share(kept.id);
    store.segments.share(kept.id);
    expect(store.outbox.pending().filter((r) => r.kind === 'evidence').map((r) => r.payload)).toEqual([{ segmentId: kept.id, uploadUrl: null }]);
    store.segments.delete(kept.id);
    store.segments.delete(dropped.id);
    expect(store.segments.list(s.id).map((m) => m.id)).toEqual([kept.id]);
    // A session that does not sync queues nothing, and its segments go as before.
    const local = store.sessions.create({ source: 'live' });
    const alone = store.segments.add(local.id, { start: 0, end: 2, reason: 'rolling live segment', mime: 'video/webm', bytes: new Uint8Array([4]), sync: false });
    store.segments.share(alone.id);
    store.segments.delete(alone.id);
    expect(store.segments.list(local.id)).toEqual([]);
  });

  it('queues nothing for a session that is not synced', () => {
    const store = newStore();
    const s = store.sessions.create({ source: 'live' });
    store.events.append(s.id, 1, 'x', {});
    store.segments.add(s.id, { start: 0, end: 1, reason: 'r', mime: 'video/mp4', bytes: new Uint8Array([1]) });
    store.reports.add({ sessionId: s.id, version: 1, risk: { score: 0, level: 'CLEAN' } });
    expect(store.outbox.pendingCount()).toBe(0);
  });

  it('stores neither the event nor its outbox row when the transaction fails', () => {
    const store = newStore();
    const s = store.sessions.create({ source: 'live', sync });
    store.db.exec("CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox WHEN NEW.kind = 'event' BEGIN SELECT RAISE(ABORT, 'outbox full'); END");
    expect(() => store.events.append(s.id, 1, 'x', {})).toThrow(/outbox full/);
    expect(store.events.list(s.id)).toEqual([]);
    expect(store.syncTargets.get(s.id)!.lastSeq).toBe(0);
  });
});
