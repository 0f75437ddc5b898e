/**
 * OS signals as rows of the session's hash-chained event log: `t` is the row's time on the session clock,
 * `type` the signal type, the payload everything else. Reading back validates every row.
 */
import type { EventRow } from '../storage/repositories/events';
import { SIGNAL_TYPES, SignalEvent, type SignalSink } from './events';

export interface EventLog {
  append(sessionId: string, t: number, type: string, payload: unknown): EventRow;
  list(sessionId: string): EventRow[];
}

/** A sink that appends each signal (validated) to `sessionId`'s log. */
export function signalLogSink(log: EventLog, sessionId: string): SignalSink {
  return (event) => {
    const { type, t, ...payload } = SignalEvent.parse(event);
    log.append(sessionId, t, type, payload);
  };
}

/** The session's signal rows, in log order; other event types in the log are skipped. */
export function readSignals(log: EventLog, sessionId: string): SignalEvent[] {
  const types = new Set<string>(SIGNAL_TYPES);
  return log
    .list(sessionId)
    .filter((row) => types.has(row.type))
    .map((row) => SignalEvent.parse({ ...(row.payload as object), type: row.type, t: row.t }));
}
