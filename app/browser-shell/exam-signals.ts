/**
 * What the browser shell can watch of the OS during an exam without Electron: the prohibited-process watch
 * (every 2 s) and, on Linux, the active virtual console (a Ctrl+Alt+F<n> switch away from the exam), timed on the session's own monotonic clock (the origin `session.start` answers with), so its
 * signals share one axis with the engine's frames whatever the wall clock does. The shell has no OS lockdown,
 * and tells the session so (`session.context`). Signals the engine could not take (it was restarting) are
 * sent again once it is back, in order.
 */
import type { RpcClient } from '../engine/rpc/client';
import { parsePolicy } from '../engine/policy/policy';
import type { SignalEvent } from '../engine/signals/events';
import { prohibitedRules } from '../engine/signals/os-policy';
import { createConsoleWatch } from '../engine/signals/console-watch';
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
  let current: { sessionId: string; watches: SessionOperation<unknown>[]; unsent: SignalEvent[]; sending: boolean; timer: NodeJS.Timeout } | undefined;

  const stop = async () => {
    const c = current;
    current = undefined;
    if (!c) return;
    clearInterval(c.timer);
    await Promise.all(c.watches.map((watch) => watch.revert()));
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
    const sink = (event: SignalEvent) => {
      c.unsent.push(event);
      void deliver(c);
    };
    const c: NonNullable<typeof current> = {
      sessionId,
      unsent: [],
      sending: false,
      watches: [
        createProhibitedProcessWatch({
          policy: os.prohibitedProcesses === 'refuse_to_start' ? 'warn' : os.prohibitedProcesses,
          clock,
          sink,
          rules: prohibitedRules(os, DEFAULT_PROHIBITED),
          onScanError: (error) => log(`vigil: process scan failed (${error.message})`),
        }),
      ],
      timer: setInterval(() => void deliver(c), RESEND_MS),
    };
    // The console the exam starts on is the exam's; where the kernel does not say (not Linux, a container), no watch.
    if (process.platform === 'linux') {
      let reported = false;
      const onError = (error: Error) => {
        if (!reported) log(`vigil: console watch failed (${error.message})`);
        reported = true;
      };
      const consoleWatch = createConsoleWatch({ clock, sink, onError });
      await consoleWatch.perform().then(
        () => c.watches.push(consoleWatch),
        (error: Error) => log(`vigil: virtual consoles not watched (${error.message})`),
      );
    }
    c.timer.unref();
    current = c;
    for (const watch of c.watches) watch.repeat();
    const watching = ['prohibited_processes', ...(c.watches.length > 1 ? ['console'] : [])];
    await engine.call('session.context', { sessionId, lockdown: { state: 'none', why: 'the browser shell has no OS lockdown', watches: watching } }).catch((error: Error) => log(`vigil: lockdown state not recorded (${error.message})`));
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
