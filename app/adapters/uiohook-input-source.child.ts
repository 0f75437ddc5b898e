/**
 * Test helper process: runs the uiohook input source and the key-combo monitor and prints one JSON line per
 * outcome or event. A separate process because uiohook keeps an X connection after stop(), and Xlib exits
 * the whole process when that server goes away at the end of a test.
 */
import { startKeyComboMonitor } from '../engine/signals/key-combo-monitor';
import { createSessionClock } from '../engine/signals/session-clock';
import { createUiohookInputSource } from './uiohook-input-source';

// The parent's origin on the machine's monotonic clock: both processes then stand on one session axis.
const origin = process.env.VIGIL_TEST_CLOCK_ORIGIN_NS;
const clock = createSessionClock(origin ? { originNs: BigInt(origin) } : {});
const write = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);
const monitor = await startKeyComboMonitor({ input: createUiohookInputSource(), clock, sink: (event) => write({ event }), windowFocused: () => true });
write(monitor.ok ? { started: true } : { started: false, reason: monitor.reason, fix: monitor.fix });
if (monitor.ok) process.on('SIGTERM', () => {
  monitor.stop();
  process.exit(0);
});
