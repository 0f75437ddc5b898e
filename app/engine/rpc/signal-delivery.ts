/**
 * OS signals from a shell to the engine's live session, in order and none lost while the engine restarts: each
 * waits in a queue until the engine has taken it (`session.signal`), one call at a time (two loops would both send
 * the head of the queue), and what the engine could not take is sent again every `resendMs`. The same in both
 * shells: the browser shell's exam signals and the Electron lockdown's.
 */
import type { SignalEvent } from '../signals/events';
import type { RpcClient } from './client';

export const RESEND_MS = 1000;

export interface SignalDelivery {
  push(event: SignalEvent): void;
  /** Signals not yet taken by the engine. */
  pending(): number;
  /** Stops sending; what is still queued is dropped (the session is over). */
  stop(): void;
}

export function deliverSignals(engine: RpcClient, sessionId: string, options: { log?: (line: string) => void; resendMs?: number } = {}): SignalDelivery {
  const unsent: SignalEvent[] = [];
  let sending = false;
  let stopped = false;
  let reported = false;
  const deliver = async () => {
    if (sending) return;
    sending = true;
    try {
      while (unsent.length && !stopped) {
        try {
          await engine.call('session.signal', { sessionId, event: unsent[0] });
          unsent.shift();
          reported = false;
        } catch (error) {
          if (!reported) options.log?.(`vigil: signal not recorded yet (${(error as Error).message}); trying again`);
          reported = true;
          return;
        }
      }
    } finally {
      sending = false;
    }
  };
  const timer = setInterval(() => void deliver(), options.resendMs ?? RESEND_MS);
  timer.unref();
  return {
    push(event) {
      if (stopped) return;
      unsent.push(event);
      void deliver();
    },
    pending: () => unsent.length,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
