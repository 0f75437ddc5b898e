/**
 * What the browser shell can watch of the OS during an exam without Electron: the prohibited-process watch
 * (every 2 s), timed on the session's own monotonic clock (the origin `session.start` answers with), so its
 * signals share one axis with the engine's frames whatever the wall clock does. The shell has no OS lockdown,
 * and tells the session so (`session.context`). Signals the engine could not take (it was restarting) are
 * sent again once it is back, in order.
 */
import type { RpcClient } from '../engine/rpc/client';
import { parsePolicy } from '../engine/policy/policy';
import type { SignalEvent } from '../engine/signals/events';
import { prohibitedRules } from '../engine/signals/os-policy';
import { createProhibitedProcessWatch, DEFAULT_PROHIBITED } from '../engine/signals/prohibited-processes';
import { createSessionClock } from '../engine/signals/session-clock';
import type { SessionOperation } from '../engine/signals/session-operation';

const RESEND_MS = 1000;

export interface ExamSignals {
  /** The engine client the shell's dispatcher uses: the same calls, with session start and finish observed. */
  readonly engine: RpcClient;
  stop(): Promise<void>;
}

export function watchExamSignals(engine: RpcClient, log: (line: string) => void = () => {}): ExamSignals {
  let current: { sessionId: string; watch: SessionOperation<unknown>; unsent: SignalEvent[]; sending: boolean; timer: NodeJS.Timeout } | undefined;

  const stop = async () => {
    const c = current;
    current = undefined;
    if (!c) return;
    clearInterval(c.timer);
    await c.watch.revert();
  };
  // One delivery at a time, in order: two loops would both send the head of the queue.
  const deliver = async (c: NonNullable<typeof current>) => {
    if (c.sending) return;
    c.sending = true;
    try {
      while (c.unsent.length && current === c) {
        try {
          await engine.call('session.signal', { sessionId: c.sessionId, event: c.unsent[0] });
          c.unsent.shift();
        } catch (error) {
          log(`vigil: signal not recorded yet (${(error as Error).message}); trying again`);
          return;
        }
      }
    } finally {
      c.sending = false;
    }
  };
  const begin = async (sessionId: string, clockOriginNs: string) => {
    await stop();
    // The policy comes from the engine, which verified it; never from the page's request.
    const { policy: verified } = (await engine.call('exam.current', {})) as { policy: unknown };
    const policy = parsePolicy(verified, 'exam policy');
    if (!policy.detectors.os) return;
    const clock = createSessionClock({ originNs: BigInt(clockOriginNs) });
    const os = policy.os;
    const c: NonNullable<typeof current> = {
      sessionId,
      unsent: [],
      sending: false,
      watch: createProhibitedProcessWatch({
        policy: os.prohibitedProcesses === 'refuse_to_start' ? 'warn' : os.prohibitedProcesses,
        clock,
        sink: (event) => {
          c.unsent.push(event);
          void deliver(c);
        },
        rules: prohibitedRules(os, DEFAULT_PROHIBITED),
        onScanError: (error) => log(`vigil: process scan failed (${error.message})`),
      }),
      timer: setInterval(() => void deliver(c), RESEND_MS),
    };
    c.timer.unref();
    current = c;
    c.watch.repeat();
    await engine.call('session.context', { sessionId, lockdown: { state: 'none', why: 'the browser shell has no OS lockdown', watches: ['prohibited_processes'] } }).catch((error: Error) => log(`vigil: lockdown state not recorded (${error.message})`));
  };

  return {
    engine: {
      get closed() {
        return engine.closed;
      },
      onEvent: (listener) => engine.onEvent(listener),
      async call(method, params, timeoutMs) {
        const result = await engine.call(method, params, timeoutMs);
        if (method === 'session.start') {
          const { sessionId, clockOriginNs } = result as { sessionId: string; clockOriginNs: string };
          await begin(sessionId, clockOriginNs).catch((error: Error) => log(`vigil: OS watch did not start (${error.message})`));
        } else if (method === 'session.finish') {
          await stop();
        }
        return result;
      },
    },
    stop,
  };
}
