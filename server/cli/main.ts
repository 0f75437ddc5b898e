/**
 * The `vigil-server` command: `init` (institution, first admin, signing keys), `start`, `exam create`, `user add`.
 * Errors are one line, `vigil-server: <thing>: <problem>`, with exit 2 for a wrong command line and 1 otherwise.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { CommandLineError, runCommandLine } from '../../app/engine/command-line';
import { buildServer, serverVersion } from '../app';
import { databaseUrl, evidenceDir, s3Evidence, serverHome } from '../config';
import { S3EvidenceStore } from '../blobs/s3-evidence-store';
import { ensureSigningKeys } from '../keys';
import { openServerDb } from '../store/db';
import { createExam, createUser, setting } from '../store/exams';
import { ROLES, type Role } from '../store/schema';
import { registerBench } from './bench';

export class ServerCliError extends CommandLineError {}

function readSecretFile(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ServerCliError(path, `cannot read the ${what} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const value = text.replace(/\r?\n$/, '');
  if (value.length < 12) throw new ServerCliError(path, `the ${what} must be at least 12 characters`);
  return value;
}

/** Asks on the terminal without echoing what is typed. */
function askHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new ServerCliError('--admin-password-file', 'not given, and no terminal to ask the password on');
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.includes(question)) process.stderr.write(s);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openServerDb>>) => Promise<T>): Promise<T> {
  const db = await openServerDb({ home: serverHome(), databaseUrl: databaseUrl() });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

export function buildProgram(): Command {
  const program = new Command('vigil-server')
    .description("Vigil's reference server: receives candidates' events, reports and evidence; serves the staff API")
    .version(serverVersion(), '-v, --version')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`vigil-server: ${text.replace(/^error: /, '')}`) });

  program
    .command('init')
    .description('create the institution, its first admin and its Ed25519 exam-signing key pair (data in VIGIL_SERVER_HOME, or PostgreSQL with DATABASE_URL)')
    .requiredOption('--admin-email <email>', 'the first admin account')
    .option('--admin-password-file <file>', 'read the password from this file (else asked on the terminal)')
    .option('--institution <name>', 'institution name', 'Vigil institution')
    .action(async (flags: { adminEmail: string; adminPasswordFile?: string; institution: string }) => {
      if (!/^[^@\s]+@[^@\s]+$/.test(flags.adminEmail)) throw new ServerCliError('--admin-email', `"${flags.adminEmail}" is not an email address`, 2);
      const password = flags.adminPasswordFile ? readSecretFile(flags.adminPasswordFile, 'password') : await askHidden('admin password: ');
      if (password.length < 12) throw new ServerCliError('password', 'must be at least 12 characters');
      const home = serverHome();
      await withDb(async ({ db }) => {
        const admins = await db.selectFrom('users').select('id').where('role', '=', 'admin').execute();
        if (admins.length) throw new ServerCliError(home, 'already initialised (an admin exists); add accounts with `vigil-server user add`');
        await setting(db, 'institution', () => flags.institution);
        await createUser(db, flags.adminEmail, password, 'admin');
      });
      const keys = ensureSigningKeys(home);
      process.stdout.write(`initialised ${home}: admin ${flags.adminEmail}; exam-signing key ${keys.publicKey}${keys.created ? '' : ' (kept)'}\n`);
    });

  program
    .command('start')
    .description('serve the API (prints `listening on http://H:N` when ready)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port (0: any free one)', '8420')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'and this private key (PEM)')
    .action(async (flags: { host: string; port: string; tlsCert?: string; tlsKey?: string }) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ServerCliError('--port', `must be a whole number from 0 to 65535, not "${flags.port}"`, 2);
      if (!!flags.tlsCert !== !!flags.tlsKey) throw new ServerCliError('--tls-cert', 'give both --tls-cert and --tls-key', 2);
      const https = flags.tlsCert && flags.tlsKey ? { cert: readFileSync(flags.tlsCert), key: readFileSync(flags.tlsKey) } : undefined;
      const s3 = s3Evidence();
      const datastore = s3 ? new S3EvidenceStore(s3) : undefined;
      const server = await buildServer({ home: serverHome(), databaseUrl: databaseUrl(), evidenceDir: evidenceDir(), datastore, https, retention: true, analysisWorker: true });
      const stop = () => {
        void server.close().finally(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await server.app.listen({ host: flags.host, port });
      const address = server.app.server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      process.stdout.write(`listening on ${https ? 'https' : 'http'}://${flags.host}:${actual}\n`);
    });

  const exam = program.command('exam').description('exams');
  exam
    .command('create')
    .description('create an exam and print its enrolment token (shown once)')
    .requiredOption('--name <name>', 'exam name')
    .option('--policy <policy.json>', 'exam policy (default: the documented defaults)')
    .option('--retention-days <n>', 'delete its evidence and reports after N days')
    .option('--json', 'print `{ "examId", "enrolmentToken" }`')
    .action(async (flags: { name: string; policy?: string; retentionDays?: string; json?: boolean }) => {
      let policy: unknown = {};
      if (flags.policy) {
        try {
          policy = JSON.parse(readFileSync(flags.policy, 'utf8'));
        } catch (error) {
          throw new ServerCliError(flags.policy, `not a readable JSON policy (${(error as Error).message})`);
        }
      }
      const retentionDays = flags.retentionDays === undefined ? null : Number(flags.retentionDays);
      if (retentionDays !== null && !(Number.isInteger(retentionDays) && retentionDays > 0)) throw new ServerCliError('--retention-days', `must be a whole number above 0, not "${flags.retentionDays}"`, 2);
      const created = await withDb(async ({ db }) => {
        try {
          return await createExam(db, { name: flags.name, policy, retentionDays });
        } catch (error) {
          throw new ServerCliError(flags.policy ?? 'policy', (error as Error).message.split('\n')[0]!);
        }
      });
      process.stdout.write(flags.json ? `${JSON.stringify(created)}\n` : `exam ${created.examId}\nenrolment token ${created.enrolmentToken}\n`);
    });

  program
    .command('user')
    .description('accounts')
    .command('add')
    .description('add a staff account')
    .requiredOption('--email <email>', 'account email')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .requiredOption('--password-file <file>', 'read the password from this file')
    .action(async (flags: { email: string; role: string; passwordFile: string }) => {
      if (!ROLES.includes(flags.role as Role)) throw new ServerCliError('--role', `must be one of ${ROLES.join(', ')}`, 2);
      const password = readSecretFile(flags.passwordFile, 'password');
      const id = await withDb(({ db }) => createUser(db, flags.email, password, flags.role as Role));
      process.stdout.write(`${JSON.stringify({ userId: id })}\n`);
    });

  registerBench(program);
  return program;
}

export function run(argv: readonly string[]): Promise<number> {
  return runCommandLine(buildProgram(), argv);
}
