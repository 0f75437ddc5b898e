/**
 * Test helper process: the OS keyboard lock and the OS keyboard hook together, as the lockdown runs them,
 * printing one JSON line per key_combo event. A separate process for the reason given in
 * app/adapters/uiohook-input-source.child.ts.
 */
import { createUiohookInputSource } from '../adapters/uiohook-input-source';
import { startKeyComboMonitor } from '../engine/signals/key-combo-monitor';
import { createSessionClock } from '../engine/signals/session-clock';
import { startKeyboardLock } from './keyboard-lock';

const write = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);
const lock = startKeyboardLock();
const monitor = await startKeyComboMonitor({
  input: createUiohookInputSource(),
  clock: createSessionClock(),
  sink: (event) => write({ event }),
  windowFocused: () => null,
  isBlocked: (combo) => lock.isBlocked(combo),
});
write({ started: monitor.ok && lock.capability.ok, lock: lock.capability, ...(monitor.ok ? {} : { reason: monitor.reason }) });
process.on('SIGTERM', () => {
  if (monitor.ok) monitor.stop();
  lock.revert();
  process.exit(0);
});
