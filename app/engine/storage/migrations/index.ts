import type { Migration } from '../migrate';
import m0010 from './0010-sessions-and-events';
import m0020 from './0020-frame-features';
import m0030 from './0030-segments';
import m0040 from './0040-outbox';
import m0050 from './0050-reports';
import m0060 from './0060-reviewer-labels';
import m0070 from './0070-session-interruptions';
import m0080 from './0080-sync-targets';
import m0090 from './0090-sync-target-pins';

/** Every migration, in order. A new one gets the next number in tens and its own test. */
export const migrations: readonly Migration[] = [m0010, m0020, m0030, m0040, m0050, m0060, m0070, m0080, m0090];
