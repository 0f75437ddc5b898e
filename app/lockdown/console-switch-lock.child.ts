/**
 * Test helper process (console-switch-lock.test.ts): takes the console switch out of the X keymap as the lockdown
 * does, says so on stdout, and waits to be killed without any chance to undo it.
 */
import { createSessionClock } from '../engine/signals/session-clock';
import { lockConsoleSwitching } from './console-switch-lock';

const stateDir = process.argv[2];
if (!stateDir) throw new Error('usage: console-switch-lock.child.ts STATE_DIR');
const lock = await lockConsoleSwitching({ stateDir, clock: createSessionClock(), sink: () => undefined });
process.stdout.write(`${JSON.stringify(lock.capability)}\n`);
setInterval(() => undefined, 60_000);
