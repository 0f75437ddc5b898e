/**
 * A throwaway PostgreSQL for tests: `initdb` and `pg_ctl` from Debian's postgresql package in a temporary folder,
 * on a free loopback port, stopped and deleted afterwards. PostgreSQL refuses to run as root, so as root it runs
 * as the `postgres` system user (runuser); the folder is made theirs.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../app/engine/sync/testing/ports';

export interface PostgresCluster {
  /** A connection string for a new, empty database in this cluster. */
  createDatabase(name: string): Promise<string>;
  readonly port: number;
  /** The cluster's data folder (its `postmaster.pid` names the server process). */
  readonly dataDir: string;
  stop(): void;
}

export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (Debian package postgresql; .ci/run installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pg-'));
  const data = join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'])), Number(execFileSync('id', ['-g', 'postgres'])));
  }
  const run = (tool: string, args: string[]) => {
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    return execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 }).toString();
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'vigil', '--no-sync', '-E', 'UTF8']);
  const port = await freeLoopbackPort();
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', `-p ${port} -h 127.0.0.1 -k ${dir} -c fsync=off -c max_connections=200`, 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return {
    port,
    dataDir: data,
    stop,
    async createDatabase(name) {
      const pg = await import('pg');
      const admin = new pg.default.Client({ connectionString: `postgres://vigil@127.0.0.1:${port}/postgres` });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name.replace(/[^a-z0-9_]/g, '_')}"`);
      } finally {
        await admin.end();
      }
      return `postgres://vigil@127.0.0.1:${port}/${name.replace(/[^a-z0-9_]/g, '_')}`;
    },
  };
}
