/**
 * What the browser shell can watch of the OS during an exam without Electron: the prohibited-process watch
 * (every 2 s) and, on Linux, the active virtual console (a Ctrl+Alt+F<n> switch away from the exam), timed on the session's own monotonic clock (the origin `session.start` answers with), so its
 * signals share one axis with the engine's frames whatever the wall clock does. The shell has no OS lockdown,
 * and tells the session so (`session.context`). Signals the engine could not take (it was restarting) are
 * sent again once it is back, in order.
 */
import type { RpcClient } from '../engine/rpc/client';
import { deliverSignals, type SignalDelivery } from '../engine/rpc/signal-delivery';
import { parsePolicy } from '../engine/policy/policy';
import type { SignalEvent } from '../engine/signals/events';
import { prohibitedRules } from '../engine/signals/os-policy';
import { createConsoleWatch } from '../engine/signals/console-watch';
import { createProhibitedProcessWatch, DEFAULT_PROHIBITED } from '../engine/signals/prohibited-processes';
import { createSessionClock } from '../engine/signals/session-clock';
import type { SessionOperation } from '../engine/signals/session-operation';

export interface ExamSignals {
  /** The engine client the shell's dispatcher uses: the same calls, with session start and finish observed. */
  readonly engine: RpcClient;
  stop(): Promise<void>;
}

export function watchExamSignals(engine: RpcClient, log: (line: string) => void = () => {}): ExamSignals {
  let current: { watches: SessionOperation<unknown>[]; delivery: SignalDelivery } | undefined;

  const stop = async () => {
    const c = current;
    current = undefined;
    if (!c) return;
    c.delivery.stop();
    await Promise.all(c.watches.map((watch) => watch.revert()));
  };
  const begin = async (sessionId: string, clockOriginNs: string) => {
    await stop();
    // The policy comes from the engine, which verified it; never from the page's request.
    const { policy: verified } = (await engine.call('exam.current', {})) as { policy: unknown };
    const policy = parsePolicy(verified, 'exam policy');
    if (!policy.detectors.os) return;
    const clock = createSessionClock({ originNs: BigInt(clockOriginNs) });
    const os = policy.os;
    const delivery = deliverSignals(engine, sessionId, { log });
    const sink = (event: SignalEvent) => delivery.push(event);
    const c: NonNullable<typeof current> = {
      delivery,
      watches: [
        createProhibitedProcessWatch({
          policy: os.prohibitedProcesses === 'refuse_to_start' ? 'warn' : os.prohibitedProcesses,
          clock,
          sink,
          rules: prohibitedRules(os, DEFAULT_PROHIBITED),
          onScanError: (error) => log(`vigil: process scan failed (${error.message})`),
        }),
      ],
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
