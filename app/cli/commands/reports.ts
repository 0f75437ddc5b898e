import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { databasePath } from '../../engine/paths';
import { renderReportHtml } from '../../engine/report/html';
import { Report } from '../../engine/report/report';
import { openStore } from '../../engine/storage/store';
import { CliError, usageError } from '../errors';

export function registerReports(program: Command): void {
  const reports = program.command('reports').description('list and show stored analysis reports');

  reports
    .command('list')
    .description('stored reports, newest first')
    .option('--student <id>', 'only this candidate')
    .option('--exam <id>', 'only this exam')
    .option('--json', 'print JSON')
    .action((options: { student?: string; exam?: string; json?: boolean }) => {
      const store = openStore(databasePath());
      try {
        const rows = store.reports.list({ studentId: options.student, examId: options.exam });
        if (options.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        if (rows.length === 0) return void process.stdout.write('no reports\n');
        process.stdout.write(`${'id'.padEnd(5)} ${'created'.padEnd(20)} ${'student'.padEnd(12)} ${'exam'.padEnd(10)} ${'risk'.padEnd(17)} source\n`);
        for (const r of rows) {
          process.stdout.write(`${String(r.id).padEnd(5)} ${r.createdAt.slice(0, 19).replace('T', ' ').padEnd(20)} ${(r.studentId ?? '-').padEnd(12)} ${(r.examId ?? '-').padEnd(10)} ${`${r.riskLevel} ${r.riskScore.toFixed(2)}`.padEnd(17)} ${r.source}\n`);
        }
      } finally {
        store.close();
      }
    });

  reports
    .command('show <id>')
    .description('one report as JSON, or as HTML with --html <file>')
    .option('--html <file>', 'write the HTML view to this file')
    .action((id: string, options: { html?: string }) => {
      if (!/^\d+$/.test(id)) throw usageError(`report id ${id}`, 'must be a number (see `vigil reports list`)');
      const store = openStore(databasePath());
      try {
        const raw = store.reports.getJson(Number(id));
        if (raw === undefined) throw new CliError(`report ${id}`, 'does not exist (see `vigil reports list`)');
        const parsed = Report.safeParse(raw);
        if (!parsed.success) throw new CliError(`report ${id}`, `stored JSON does not match report version 1 (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
        if (options.html) {
          writeFileSync(options.html, renderReportHtml(parsed.data));
          process.stdout.write(`wrote ${options.html}\n`);
        } else process.stdout.write(`${JSON.stringify(parsed.data, null, 2)}\n`);
      } finally {
        store.close();
      }
    });
}
