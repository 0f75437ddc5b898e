/**
 * Test helper process (live-record.test.ts): a live session in its own process, as the engine runs one. It
 * receives a known number of camera frames (a real face photo), OS signals and one flagged interval, prints
 * what it recorded as one JSON line, and waits to be SIGKILLed.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { sourcePackageDir } from '../../../models/convert/build-models';
import { parsePolicy } from '../policy/policy';
import { openStore } from '../storage/store';
import { loadFrameAnalyzer } from './frame-analyzer';
import { LiveSession } from './live-session';

const [dbPath, workDir] = process.argv.slice(2) as [string, string];
const photo = join(sourcePackageDir(), 'assets', 'screenshot-faceid.jpg');
const face = new Uint8Array(execFileSync('ffmpeg', ['-v', 'error', '-i', photo, '-vf', 'crop=170:128:15:140,scale=320:240', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']));
const analyzer = await loadFrameAnalyzer();
if (!analyzer.available) throw new Error(analyzer.reason);
const store = openStore(dbPath);
const policy = parsePolicy({ processingFps: 2 });
const live = new LiveSession({ policy, analyzer, store, workDir, studentId: 'cand-7', examId: 'maths-1', notes: ['Identity: face enrolled; challenge not completed.'] });
const FRAMES = 6;
for (let i = 0; i < FRAMES; i += 1) await live.pushFrame({ width: 320, height: 240, data: face, t: live.clock.now(), index: 0 });
// Answered at the face path: the frames' slower models and rows may still be on their way (LiveSession.settled).
await live.settled();
live.pushSignal({ type: 'clipboard', t: live.clock.now(), action: 'changed', formats: ['text/plain'], evidence: { length: 3, sha256: 'ab' } });
const flagged = live.pushSignal({ type: 'prohibited_process', t: live.clock.now(), name: 'anydesk', pid: 4242, category: 'remote_access', action: 'warned', evidence: { matchedOn: 'name' } }).flagged;
live.addEvidence({ start: 0, end: live.clock.now(), mime: 'video/webm', bytes: new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3]) });
process.stdout.write(`${JSON.stringify({ sessionId: live.id, frames: FRAMES, signals: 2, flagged, t: live.clock.now() })}\n`);
setInterval(() => undefined, 1000);
