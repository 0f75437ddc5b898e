/**
 * For tests that start exam sessions: the machine's real process list without the processes that were running
 * before the test file loaded. The exam's gates refuse a start while a remote-access program runs, and on a shared
 * machine (or in `npm test`, files in parallel) other tests run stand-ins of such programs (copies of sleep named
 * anydesk or teamviewer); a test sees only what it started itself.
 */
import { listProcesses, type ProcessLister } from '../process-list';

const before = new Set((await listProcesses()).map((p) => p.pid));

export const processesOfThisTest: ProcessLister = async () => (await listProcesses()).filter((p) => !before.has(p.pid));
