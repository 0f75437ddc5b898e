import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from './index';

function freshAt(version: number) {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations, version);
  return db;
}

function columns(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

describe('migrations', () => {
  it('are numbered in tens, strictly increasing, one per file', () => {
    const versions = migrations.map((m) => m.version);
    expect(versions.every((v) => v % 10 === 0)).toBe(true);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('0010 creates sessions and an events table that refuses updates and deletes', () => {
    const db = freshAt(10);
    expect(db.pragma('user_version', { simple: true })).toBe(10);
    expect(columns(db, 'sessions')).toEqual(expect.arrayContaining(['id', 'student_id', 'exam_id', 'status', 'started_at']));
    expect(columns(db, 'events')).toEqual(expect.arrayContaining(['session_id', 't', 'type', 'payload', 'prev_hash', 'hash']));
    db.prepare("INSERT INTO sessions (id, source, started_at) VALUES ('s', 'live', 'now')").run();
    db.prepare("INSERT INTO events (session_id, t, type, payload, prev_hash, hash) VALUES ('s', 0, 'x', '{}', 'a', 'b')").run();
    expect(() => db.prepare("UPDATE events SET type = 'y'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM events').run()).toThrow(/append-only/);
    expect(() => db.prepare("INSERT INTO events (session_id, t, type, payload, prev_hash, hash) VALUES ('nobody', 0, 'x', '{}', 'a', 'c')").run()).toThrow(/FOREIGN KEY/);
  });

  it('0020 creates frame_features keyed by session and frame', () => {
    const db = freshAt(20);
    expect(columns(db, 'frame_features')).toEqual(expect.arrayContaining(['t', 'face_count', 'yaw', 'pitch', 'roll', 'gaze_h', 'gaze_v', 'gaze_zone', 'data']));
    db.prepare("INSERT INTO sessions (id, source, started_at) VALUES ('s', 'live', 'now')").run();
    const insert = db.prepare("INSERT INTO frame_features (session_id, frame_index, t, schema_version, data) VALUES ('s', 0, 0, 1, '{}')");
    insert.run();
    expect(() => insert.run()).toThrow(/UNIQUE|PRIMARY KEY/);
  });

  it('0030 creates segments that require a 64-character sha256 and end >= start', () => {
    const db = freshAt(30);
    db.prepare("INSERT INTO sessions (id, source, started_at) VALUES ('s', 'live', 'now')").run();
    const insert = db.prepare("INSERT INTO segments (session_id, start, end, reason, mime, bytes, size, sha256, created_at) VALUES ('s', ?, ?, 'r', 'video/webm', x'00', 1, ?, 'now')");
    expect(() => insert.run(0, 1, 'short')).toThrow(/CHECK/);
    expect(() => insert.run(2, 1, 'a'.repeat(64))).toThrow(/CHECK/);
    insert.run(0, 1, 'a'.repeat(64));
  });

  it('0040 creates an outbox with attempts and next_attempt_at', () => {
    const db = freshAt(40);
    expect(columns(db, 'outbox')).toEqual(expect.arrayContaining(['kind', 'payload', 'attempts', 'next_attempt_at', 'sent_at']));
  });

  it('0050 creates reports whose risk level is one of the four classes', () => {
    const db = freshAt(50);
    db.prepare("INSERT INTO sessions (id, source, started_at) VALUES ('s', 'live', 'now')").run();
    const insert = db.prepare("INSERT INTO reports (session_id, created_at, version, risk_score, risk_level, report_json) VALUES ('s', 'now', 1, ?, ?, '{}')");
    expect(() => insert.run(0.1, 'FINE')).toThrow(/CHECK/);
    expect(() => insert.run(1.5, 'CLEAN')).toThrow(/CHECK/);
    insert.run(0.1, 'CLEAN');
  });

  it('0060 creates reviewer_labels: a 0/1 verdict on a stretch of a session, end >= start', () => {
    const db = freshAt(60);
    db.prepare("INSERT INTO sessions (id, source, started_at) VALUES ('s', 'live', 'now')").run();
    const insert = db.prepare("INSERT INTO reviewer_labels (session_id, start, end, is_cheating, reviewer, created_at) VALUES (?, ?, ?, ?, 'r', 'now')");
    expect(() => insert.run('s', 0, 10, 2)).toThrow(/CHECK/);
    expect(() => insert.run('s', 5, 1, 1)).toThrow(/CHECK/);
    expect(() => insert.run('nobody', 0, 1, 1)).toThrow(/FOREIGN KEY/);
    insert.run('s', 0, 10, 1);
  });

  it('0070 counts a session\'s interruptions (never negative) and keeps existing sessions uninterrupted', () => {
    const db = freshAt(60);
    db.prepare("INSERT INTO sessions (id, source, started_at) VALUES ('before', 'live', 'now')").run();
    migrate(db, migrations, 70);
    expect(columns(db, 'sessions')).toEqual(expect.arrayContaining(['interruptions', 'interrupted_at']));
    expect(db.prepare("SELECT interruptions, interrupted_at FROM sessions WHERE id = 'before'").get()).toEqual({ interruptions: 0, interrupted_at: null });
    expect(() => db.prepare("UPDATE sessions SET interruptions = -1 WHERE id = 'before'").run()).toThrow(/CHECK/);
    db.prepare("UPDATE sessions SET interruptions = 1, interrupted_at = 'now' WHERE id = 'before'").run();
  });

  it('0080 creates sync_targets, one per synced session, with the seq counter at 0', () => {
    const db = freshAt(80);
    expect(columns(db, 'sync_targets')).toEqual(expect.arrayContaining(['session_id', 'server_url', 'exam_token', 'enrol_secret', 'server_session_id', 'session_token', 'last_seq']));
    db.prepare("INSERT INTO sessions (id, source, started_at) VALUES ('s', 'live', 'now')").run();
    db.prepare("INSERT INTO sync_targets (session_id, server_url, exam_token, enrol_secret, student_id) VALUES ('s', 'http://x', 't', 'e', 'st')").run();
    expect(db.prepare('SELECT last_seq FROM sync_targets').pluck().get()).toBe(0);
    expect(() => db.prepare("INSERT INTO sync_targets (session_id, server_url, exam_token, enrol_secret, student_id) VALUES ('nobody', 'http://x', 't', 'e', 'st')").run()).toThrow(/FOREIGN KEY/);
  });

  it('0090 adds the server pin to sync targets, null for targets made before it', () => {
    const db = freshAt(80);
    db.prepare("INSERT INTO sessions (id, source, started_at) VALUES ('s', 'live', 'now')").run();
    db.prepare("INSERT INTO sync_targets (session_id, server_url, exam_token, enrol_secret, student_id) VALUES ('s', 'http://x', 't', 'e', 'st')").run();
    migrate(db, migrations, 90);
    expect(columns(db, 'sync_targets')).toContain('spki_pin');
    expect(db.prepare('SELECT spki_pin FROM sync_targets').pluck().get()).toBeNull();
  });

  it('each migration leaves user_version at its own number', () => {
    for (const m of migrations) expect(freshAt(m.version).pragma('user_version', { simple: true })).toBe(m.version);
  });
});
