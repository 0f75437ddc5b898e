/**
 * `vigil analyze <media>`: a recorded exam (video, audio or image) through the whole engine on this machine:
 * per-frame features, calibration, alerts, interval scoring, risk, evidence clips, a stored report. The work is in
 * app/engine/session/analyze-file.ts; this command parses, writes files and reports.
 */
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { CSV_HEADER, toCsvRow } from '../../engine/features/schema';
import { databasePath } from '../../engine/paths';
import { defaultPolicy, loadPolicy, type ExamPolicy } from '../../engine/policy/policy';
import { clock, renderReportHtml } from '../../engine/report/html';
import type { Report } from '../../engine/report/report';
import { analyzeFile } from '../../engine/session/analyze-file';
import type { NewSyncTarget } from '../../engine/storage/repositories/sync-targets';
import { openStore, type Store } from '../../engine/storage/store';
import { Spooler } from '../../engine/sync/spooler';
import { CliError, usageError, wholeNumberOption } from '../errors';
import { LineSink, writeFileAtomic } from '../output-files';
import { startProgress } from '../progress';

interface AnalyzeFlags {
  config?: string;
  calibrationSeconds?: string;
  student?: string;
  exam?: string;
  out?: string;
  html?: string;
  features?: string;
  fps?: string;
  threads: string;
  store: boolean;
  server?: string;
  examToken?: string;
  syncTimeout: string;
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('analyse a recorded exam (video, audio or image) on this machine: alerts, intervals, risk, evidence and a stored report')
    .argument('<media>', 'video, audio or image file (decoded by the system ffmpeg)')
    .option('--config <policy.json>', 'exam policy (default: the documented defaults)')
    .option('--calibration-seconds <n>', 'calibration length, 6 to 10 s, or 0 to skip (default: the policy\'s, 8)')
    .option('--student <id>', 'candidate id, stored with the report')
    .option('--exam <id>', 'exam id, stored with the report')
    .option('--out <report.json>', 'write the report as JSON')
    .option('--html <report.html>', 'write the report as a self-contained HTML page with a timeline')
    .option('--features <out.csv>', 'write one row of per-frame features per analysed frame')
    .option('--fps <n>', "frames per second to analyse (default: the policy's processing rate, 12)")
    .option('--threads <n>', 'onnxruntime threads per vision model', '1')
    .option('--no-store', 'do not keep the session, evidence and report in the local database')
    .option('--server <url>', "send the session (events, evidence, report) to this institution's server")
    .option('--exam-token <token>', "the exam's enrolment token (with --server)")
    .option('--sync-timeout <seconds>', 'how long to wait for the server to acknowledge everything', '120')
    .action(async (media: string, flags: AnalyzeFlags) => {
      const policy = withFlags(flags.config ? loadPolicy(flags.config) : defaultPolicy(), flags);
      const threads = wholeNumberOption('--threads', flags.threads, 1, 16);
      const calibrationSeconds = flags.calibrationSeconds === undefined ? undefined : Number(flags.calibrationSeconds);
      if (calibrationSeconds !== undefined && !(calibrationSeconds === 0 || (calibrationSeconds >= 6 && calibrationSeconds <= 10))) {
        throw usageError('--calibration-seconds', `must be 0 (skip) or from 6 to 10, not "${flags.calibrationSeconds}"`);
      }
      const sync = syncTarget(flags);
      const syncTimeout = wholeNumberOption('--sync-timeout', flags.syncTimeout, 0, 86_400);
      if (!existsSync(media)) throw new CliError(media, 'no such file');
      if (statSync(media).isDirectory()) throw new CliError(media, 'is a folder, not a media file');

      const csv = flags.features ? new LineSink(flags.features) : null;
      const store = flags.store ? openStore(databasePath()) : undefined;
      const bar = startProgress('analyze', 1);
      const started = performance.now();
      let rows = 0;
      try {
        const report = await analyzeFile(media, {
          policy,
          calibrationSeconds,
          studentId: flags.student ?? null,
          examId: flags.exam ?? null,
          store,
          sync,
          threads,
          onRow: csv
            ? async (row) => {
                if (rows++ === 0) await csv.write(CSV_HEADER);
                await csv.write(toCsvRow(row));
              }
            : undefined,
          onProgress: (stage, done, total) => {
            bar.setTotal(Math.max(1, Math.round(total)));
            bar.update(Math.round(done), stage);
          },
        });
        bar.stop();
        await csv?.commit();
        if (flags.out) writeFileAtomic(flags.out, `${JSON.stringify(report, null, 2)}\n`);
        if (flags.html) writeFileAtomic(flags.html, renderReportHtml(report));
        printSummary(media, report, (performance.now() - started) / 1000, [flags.out, flags.html, flags.features].filter((f): f is string => !!f), store !== undefined);
        if (store && sync) await sendSession(store, report.sessionId, sync.serverUrl, syncTimeout * 1000);
      } catch (error) {
        bar.stop();
        await csv?.discard();
        throw error;
      } finally {
        store?.close();
      }
    });
}

function syncTarget(flags: AnalyzeFlags): NewSyncTarget | undefined {
  if (!flags.server && !flags.examToken) return undefined;
  if (!flags.server || !flags.examToken) throw usageError(flags.server ? '--exam-token' : '--server', 'give both --server and --exam-token');
  if (!flags.store) throw usageError('--server', 'needs the local store (drop --no-store): the outbox lives there');
  let url: URL;
  try {
    url = new URL(flags.server);
  } catch {
    throw usageError('--server', `"${flags.server}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError('--server', `must be http:// or https://, not "${url.protocol}"`);
  return { serverUrl: url.origin, examToken: flags.examToken, studentId: flags.student ?? userInfo().username };
}

/** Waits until the server acknowledged everything of this session, or says plainly what is still queued. */
async function sendSession(store: Store, sessionId: string, serverUrl: string, timeoutMs: number): Promise<void> {
  const spooler = new Spooler({ store });
  const result = await spooler.drain(timeoutMs);
  const left = store.outbox.counts(sessionId).filter((c) => c.pending > 0);
  if (!left.length) {
    process.stderr.write(`sync: ${serverUrl} acknowledged everything (${store.outbox.counts(sessionId).map((c) => `${c.sent} ${c.kind}`).join(', ')})\n`);
    return;
  }
  throw new CliError('sync', `${left.map((c) => `${c.pending} ${c.kind}`).join(', ')} still queued for ${serverUrl} (${result.lastError ?? 'not acknowledged in time'}); \`vigil sync run\` sends them later`);
}

function withFlags(policy: ExamPolicy, flags: AnalyzeFlags): ExamPolicy {
  if (flags.fps === undefined) return policy;
  const fps = Number(flags.fps);
  if (!Number.isFinite(fps) || fps < 1 || fps > 30) throw usageError('--fps', `must be a number from 1 to 30, not "${flags.fps}"`);
  return { ...policy, processingFps: fps };
}

function printSummary(media: string, r: Report, seconds: number, written: string[], stored: boolean): void {
  const kinds = [r.media.video && 'video', r.media.audio && 'audio'].filter(Boolean).join(' and ') || 'nothing usable';
  const critical = r.alerts.filter((a) => a.severity === 'critical').length;
  const byType = new Map<string, number>();
  for (const a of r.alerts) byType.set(a.type, (byType.get(a.type) ?? 0) + 1);
  const lines = [
    `analyze: ${media}: ${clock(r.durationSec)} of ${kinds}, ${r.media.framesAnalysed} frames in ${seconds.toFixed(1)} s (${(r.durationSec / Math.max(seconds, 1e-3)).toFixed(1)}x realtime)`,
    `risk ${r.risk.level} ${r.risk.score.toFixed(2)} | calibration ${r.calibration.status} | ${r.alerts.length} alert(s)${critical ? `, ${critical} critical` : ''}${byType.size ? ` (${[...byType].map(([t, n]) => `${t} ${n}`).join(', ')})` : ''} | ${r.intervals.filter((i) => i.flagged).length}/${r.intervals.length} interval(s) flagged`,
    stored ? `stored as session ${r.sessionId} with ${r.segments.length} evidence clip(s) (see \`vigil reports list\`)` : 'not stored (--no-store)',
  ];
  if (r.calibration.status === 'FAILED') lines.push(`calibration failed: ${r.calibration.reasons.join('; ')}`);
  if (written.length) lines.push(`wrote ${written.join(', ')}`);
  process.stderr.write(`${lines.join('\n')}\n`);
}
