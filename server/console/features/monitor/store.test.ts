import { describe, expect, it } from 'vitest';
import { isIncident, ordered, type MonitorRow } from './store';

const now = Date.parse('2026-01-01T10:00:00Z');
const row = (id: string, extra: Partial<MonitorRow> = {}): MonitorRow => ({
  id,
  studentId: id,
  status: 'active',
  chainStatus: 'ok',
  riskLevel: 'CLEAN',
  intervalScore: 0,
  warnings: [],
  pendingOutbox: 0,
  thumbnailAt: null,
  lastHeartbeatAt: new Date(now - 3000).toISOString(),
  startedAt: `2026-01-01T09:0${id.length}:00Z`,
  instructions: [],
  ...extra,
});

describe('monitoring order', () => {
  it('puts incidents first (warnings, a broken chain, a silent device), then the active, then the finished', () => {
    const rows = [
      row('done', { status: 'finished' }),
      row('calm', { startedAt: '2026-01-01T09:59:00Z' }), // the newest: only the incident rank puts it after the others
      row('silent', { lastHeartbeatAt: new Date(now - 20_000).toISOString() }),
      row('broken', { chainStatus: 'broken' }),
      row('warned', { warnings: ['gaze_away'] }),
    ];
    expect(ordered(rows, 'all', now).map((r) => r.id).slice(0, 3).sort()).toEqual(['broken', 'silent', 'warned']);
    expect(ordered(rows, 'all', now).map((r) => r.id).slice(3)).toEqual(['calm', 'done']);
    expect(ordered(rows, 'finished', now).map((r) => r.id)).toEqual(['done']);
    expect(ordered(rows, 'incident', now)).toHaveLength(3);
  });

  it('counts a device that never sent a heartbeat as an incident, and a finished one never', () => {
    expect(isIncident(row('new', { lastHeartbeatAt: null }), now)).toBe(true);
    expect(isIncident(row('gone', { status: 'finished', lastHeartbeatAt: null }), now)).toBe(false);
  });
});
