import { describe, expect, it } from 'vitest';
import { sendingFigures } from './store';

const view = (outbox: { kind: string; sent: number; pending: number }[], server: string | null = 'http://127.0.0.1:8420') => ({ server, instructions: [], outbox, heartbeat: null, lastError: null });

describe('what the finish screen says about sending', () => {
  it('counts what the server acknowledged and what still waits, by kind, straight from the outbox', () => {
    expect(sendingFigures(view([{ kind: 'enrol', sent: 1, pending: 0 }, { kind: 'event', sent: 40, pending: 3 }, { kind: 'evidence', sent: 0, pending: 1 }, { kind: 'report', sent: 0, pending: 1 }]))).toEqual({
      server: 'http://127.0.0.1:8420',
      sent: 41,
      pending: 5,
      waiting: ['3 recorded events', '1 video clips', '1 report'],
    });
  });

  it('says nothing is sent when the exam names no server (practice, unsigned)', () => {
    expect(sendingFigures(view([], null))).toEqual({ server: null, sent: 0, pending: 0, waiting: [] });
    expect(sendingFigures(null)).toEqual({ server: null, sent: 0, pending: 0, waiting: [] });
  });
});
