/**
 * Spec helper process (flagged-clips-sync.test.ts): a synced live session in its own process, as the engine runs
 * one, with its server down: it is fed a real WebM segment and the signals that flag an interval, prints the
 * segment's sha256 and its session id as one JSON line, and waits to be SIGKILLed with the clip still queued.
 */
import { readFileSync } from 'node:fs';
import { LiveSession } from '../../live/live-session';
import { parsePolicy } from '../../policy/policy';
import { sha256Hex } from '../../storage/hash-chain';
import { openStore } from '../../storage/store';

const [dbPath, workDir, serverUrl, examToken, segmentFile] = process.argv.slice(2) as [string, string, string, string, string];
const store = openStore(dbPath);
const live = new LiveSession({ policy: parsePolicy({ detectors: { face: false, audio: false } }), analyzer: { available: false, reason: 'not needed here' }, store, workDir, studentId: 'st-killed', examId: 'e', sync: { serverUrl, examToken, studentId: 'st-killed' } });
const t = () => live.clock.now();
live.pushSignal({ type: 'clipboard', t: t(), action: 'changed', formats: ['text/plain'], evidence: { length: 3, sha256: 'ab' } });
const { flagged } = live.pushSignal({ type: 'prohibited_process', t: t(), name: 'anydesk', pid: 4242, category: 'remote_access', action: 'warned', evidence: { matchedOn: 'name' } });
const bytes = new Uint8Array(readFileSync(segmentFile));
live.addEvidence({ start: 0, end: Math.max(t(), 0.5), mime: 'video/webm', bytes });
process.stdout.write(`${JSON.stringify({ sessionId: live.id, flagged, sha256: sha256Hex(bytes) })}\n`);
setInterval(() => undefined, 1000);
