/**
 * `vigil sync status|run`: what waits in the outbox for institutions' servers, and sending it now. Sessions are
 * queued by `vigil analyze --server` and by live exams; what could not be sent stays queued across restarts.
 */
import type { Command } from 'commander';
import { databasePath } from '../../engine/paths';
import { openStore } from '../../engine/storage/store';
import { Spooler } from '../../engine/sync/spooler';
import { CliError, wholeNumberOption } from '../errors';

/** VIGIL_SYNC_CHUNK_BYTES: the tus chunk size (default 4 MiB); smaller chunks give finer resume points on bad links. */
function chunkBytes(): number | undefined {
  const value = Number(process.env.VIGIL_SYNC_CHUNK_BYTES);
  return Number.isInteger(value) && value >= 64 * 1024 ? value : undefined;
}

export function registerSync(program: Command): void {
  const sync = program.command('sync').description("send what is queued to institutions' servers");

  sync
    .command('status')
    .description('what is queued and what was sent, per kind')
    .option('--json', 'one JSON object')
    .action((flags: { json?: boolean }) => {
      const store = openStore(databasePath());
      try {
        const counts = store.outbox.counts();
        const waiting = store.outbox.pending(1000);
        const lastError = waiting.find((r) => r.lastError)?.lastError ?? null;
        const pending = counts.reduce((n, c) => n + c.pending, 0);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ pending, counts, lastError })}\n`);
          return;
        }
        if (!counts.length) process.stdout.write('nothing queued, nothing sent\n');
        for (const c of counts) process.stdout.write(`${c.kind.padEnd(9)} ${String(c.pending).padStart(6)} queued ${String(c.sent).padStart(6)} sent\n`);
        if (lastError) process.stdout.write(`last error: ${lastError}\n`);
      } finally {
        store.close();
      }
    });

  sync
    .command('run')
    .description('send everything queued now; exits 1 if anything is still queued when the time is up')
    .option('--timeout <seconds>', 'how long to keep trying', '120')
    .action(async (flags: { timeout: string }) => {
      const timeoutMs = wholeNumberOption('--timeout', flags.timeout, 0, 86_400) * 1000;
      const store = openStore(databasePath());
      try {
        const spooler = new Spooler({ store, chunkSize: chunkBytes() });
        const result = await spooler.drain(timeoutMs);
        const resumed = spooler.uploads.filter((u) => u.resumedAt > 0);
        process.stderr.write(`sync: ${result.sent} item(s) acknowledged${resumed.length ? `; ${resumed.length} upload(s) resumed (${resumed.reduce((n, u) => n + u.resumedAt, 0)} bytes not sent again)` : ''}\n`);
        if (!result.done) {
          const left = store.outbox.counts().filter((c) => c.pending > 0);
          throw new CliError('sync', `${left.map((c) => `${c.pending} ${c.kind}`).join(', ')} still queued (${result.lastError ?? 'not acknowledged in time'})`);
        }
      } finally {
        store.close();
      }
    });
}
