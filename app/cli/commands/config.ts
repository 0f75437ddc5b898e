/**
 * `vigil config`: exam configs offline, for institutions without the server. keygen makes an Ed25519 signing key
 * and prints its trust-file entry; sign, verify and show handle signed configs (app/engine/config); import and
 * key read Safe Exam Browser `.seb` files (app/engine/config/seb).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { decodeJwt } from 'jose';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { loadTrust, openExamConfig } from '../../engine/config/open-config';
import { PRACTICE_KEY } from '../../engine/config/practice';
import { configKey, configKeyHash } from '../../engine/config/seb/config-key';
import { importSebSettings } from '../../engine/config/seb/import';
import { readSebFile, SebFileError, type SebSettings } from '../../engine/config/seb/seb-file';
import { generateSigningKey, looksLikeSignedConfig, signExamConfig, trustEntry } from '../../engine/config/signed-config';
import { machineTrustFile, mergeTrust, readTrustFile, SpkiPin, TrustFileError, type TrustFile } from '../../engine/config/trust';
import { parsePolicy, PolicyError } from '../../engine/policy/policy';
import { projectRoot } from '../../engine/paths';
import { CliError, usageError } from '../errors';
import { writeFileAtomic } from '../output-files';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(path, `cannot read the ${what} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function readSeb(path: string, password: string | undefined): SebSettings {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CliError(path, `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return readSebFile(bytes, password);
  } catch (error) {
    if (error instanceof SebFileError) throw new CliError(path, error.message);
    throw error;
  }
}

/** The trust to verify against: --trust files, else this installation's (resources/trust.json and the machine file). */
function trustFor(files: string[] | undefined): TrustFile {
  try {
    if (files?.length) {
      return mergeTrust(
        { version: 1, keys: [PRACTICE_KEY] },
        ...files.map((f) => {
          const trust = readTrustFile(f);
          if (!trust) throw new CliError(f, 'no such trust file');
          return trust;
        }),
      );
    }
    return loadTrust({ installerFile: join(projectRoot(), 'resources', 'trust.json'), machineFile: machineTrustFile() });
  } catch (error) {
    if (error instanceof TrustFileError) throw new CliError('trust file', error.message);
    throw error;
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function expiry(options: { expires?: string; days?: string }, now: number): number {
  if (options.expires && options.days) throw usageError('--expires', 'give --expires or --days, not both');
  if (options.expires) {
    const t = Date.parse(options.expires);
    if (Number.isNaN(t)) throw usageError('--expires', `"${options.expires}" is not a date (use ISO 8601, e.g. 2026-12-31T23:59:00Z)`);
    if (t <= now) throw usageError('--expires', `${options.expires} is in the past`);
    return Math.floor(t / 1000);
  }
  const days = Number(options.days ?? '30');
  if (!Number.isFinite(days) || days <= 0 || days > 3650) throw usageError('--days', `must be a number of days from 1 to 3650, not "${options.days}"`);
  return Math.floor(now / 1000 + days * 86_400);
}

export function registerConfig(program: Command): void {
  const config = program.command('config').description('exam configs: make a signing key, sign, verify, show; import and key Safe Exam Browser .seb files');

  config
    .command('keygen')
    .description("make an Ed25519 signing key (PKCS#8 PEM, readable by you only); prints the key's trust-file entry (the last line)")
    .requiredOption('--out <file>', 'where to write the private key (refuses to overwrite)')
    .option('--name <name>', 'who the key belongs to, as candidates will see it', 'Exam office')
    .option('--server <url>', 'pin the key to this server (repeatable)', collect)
    .action(async (options: { out: string; name: string; server?: string[] }) => {
      if (existsSync(options.out)) throw new CliError(options.out, 'exists; a signing key is never overwritten');
      for (const url of options.server ?? []) if (!URL.canParse(url)) throw usageError('--server', `"${url}" is not a URL`);
      const key = await generateSigningKey();
      // Created readable by the owner only, before any key material is in it.
      writeFileSync(options.out, '', { mode: 0o600, flag: 'wx' });
      writeFileSync(options.out, key.privateKeyPem);
      const entry = await trustEntry(key.publicKey, options.name, options.server ? { servers: options.server.map((url) => ({ url })) } : {});
      process.stdout.write(`${JSON.stringify(entry)}\n`);
    });

  config
    .command('sign')
    .description('sign an exam policy (JSON) into an exam config (.vigil-exam) candidates can open')
    .argument('<policy>', 'exam policy JSON (vigil config import writes one from a .seb file)')
    .requiredOption('--key <file>', 'the private key from vigil config keygen (or vigil-server init)')
    .requiredOption('--exam-id <id>', "the exam's id, as it appears in reports")
    .requiredOption('--out <file>', 'where to write the signed config')
    .option('--expires <date>', 'when the config stops opening (ISO 8601)')
    .option('--days <n>', 'or: days from now (default 30)')
    .option('--server <url>', 'the server the client reports to')
    .option('--spki-pin <pin>', "base64 SHA-256 of the server certificate's SubjectPublicKeyInfo")
    .option('--enrolment-token <token>', 'the token that enrols candidates with the server')
    .action(async (policyFile: string, options: { key: string; examId: string; out: string; expires?: string; days?: string; server?: string; spkiPin?: string; enrolmentToken?: string }) => {
      let policy;
      try {
        policy = parsePolicy(JSON.parse(readText(policyFile, 'policy')), policyFile);
      } catch (error) {
        if (error instanceof PolicyError) throw new CliError('policy', error.message);
        if (error instanceof SyntaxError) throw new CliError(policyFile, `not valid JSON (${error.message})`);
        throw error;
      }
      if (options.server && !URL.canParse(options.server)) throw usageError('--server', `"${options.server}" is not a URL`);
      if (options.spkiPin && !SpkiPin.safeParse(options.spkiPin).success) throw usageError('--spki-pin', 'must be base64 of a SHA-256 digest (44 characters)');
      if (options.spkiPin && !options.server) throw usageError('--spki-pin', 'pins the --server; give --server too');
      const pem = readText(options.key, 'private key');
      let publicJwk;
      try {
        publicJwk = createPublicKey(createPrivateKey(pem)).export({ format: 'jwk' });
      } catch (error) {
        throw new CliError(options.key, `not a private key (${(error as Error).message})`);
      }
      if (publicJwk.crv !== 'Ed25519') throw new CliError(options.key, `is a ${String(publicJwk.crv ?? publicJwk.kty)} key; exam configs are signed with Ed25519`);
      const entry = await trustEntry({ kty: 'OKP', crv: 'Ed25519', x: publicJwk.x! }, 'signer');
      const now = Date.now();
      const jws = await signExamConfig(
        {
          v: 1,
          examId: options.examId,
          mode: 'exam',
          policy: policy as Record<string, unknown>,
          ...(options.server ? { server: { url: options.server, ...(options.spkiPin ? { spkiPin: options.spkiPin } : {}) } } : {}),
          ...(options.enrolmentToken ? { enrolmentToken: options.enrolmentToken } : {}),
          iat: Math.floor(now / 1000),
          exp: expiry(options, now),
        },
        pem,
        entry.kid,
      );
      writeFileAtomic(options.out, `${jws}\n`);
      process.stdout.write(`${options.out}: exam ${options.examId} signed by key ${entry.kid}\n`);
    });

  const verifyLike = (name: string, description: string, show: boolean) =>
    config
      .command(name)
      .description(description)
      .argument('<config>', 'a signed exam config (.vigil-exam)')
      .option('--trust <file>', "verify against this trust file instead of this installation's (repeatable)", collect)
      .option('--json', 'print one JSON object')
      .action(async (file: string, options: { trust?: string[]; json?: boolean }) => {
        const text = readText(file, 'exam config');
        if (!looksLikeSignedConfig(text)) throw new CliError(file, 'not a signed exam config (an unsigned policy opens only with the developer flag)');
        const opened = await openExamConfig(text, file, { trust: trustFor(options.trust), allowUnsigned: false, now: Date.now() });
        if (!show) {
          if (!opened.ok) throw new CliError(file, `${opened.rule} [${opened.reason}]`);
          const line = { ok: true, examId: opened.examId, mode: opened.mode, signer: opened.signer, expiresAt: opened.expiresAt, server: opened.server?.url ?? null };
          process.stdout.write(options.json ? `${JSON.stringify(line)}\n` : `${file}: verified: exam ${opened.examId} (${opened.mode}), signed by "${opened.signer}", valid until ${opened.expiresAt}${opened.server ? `, server ${opened.server.url}` : ''}\n`);
          return;
        }
        // show: the content, verified or not, with the secrets masked.
        const claims = decodeJwt(text) as Record<string, unknown> & { policy?: Record<string, unknown> };
        const masked = {
          ...claims,
          ...(claims.enrolmentToken ? { enrolmentToken: '(set)' } : {}),
          policy: claims.policy && { ...claims.policy, ...(claims.policy.quitPasswordHash ? { quitPasswordHash: '(set)' } : {}) },
          verified: opened.ok ? true : `${opened.rule} [${opened.reason}]`,
        };
        process.stdout.write(options.json ? `${JSON.stringify(masked)}\n` : `${JSON.stringify(masked, null, 2)}\n`);
      });
  verifyLike('verify', "check a signed exam config as a candidate's Vigil would: one line, exit 1 when it would be refused", false);
  verifyLike('show', 'print what a signed exam config holds (secrets masked) and whether it verifies', true);

  config
    .command('import')
    .description('read a Safe Exam Browser .seb file into an exam policy; lists every SEB key Vigil did not carry over')
    .argument('<file>', 'the .seb file')
    .option('--password <password>', 'the password of a password-protected .seb')
    .requiredOption('--out <file>', 'where to write the policy JSON')
    .option('--json', 'print one JSON object: { out, configKey, mapped, unmapped }')
    .action(async (file: string, options: { password?: string; out: string; json?: boolean }) => {
      const imported = importSebSettings(readSeb(file, options.password));
      let policy;
      try {
        policy = parsePolicy(imported.policy, file);
      } catch (error) {
        if (error instanceof PolicyError) throw new CliError('imported policy', error.message);
        throw error;
      }
      writeFileAtomic(options.out, `${JSON.stringify(policy, null, 2)}\n`);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ out: options.out, configKey: imported.configKey, mapped: imported.mapped, unmapped: imported.unmapped })}\n`);
        return;
      }
      const lines = [`${options.out}: exam policy from ${file} (Config Key ${imported.configKey})`, `carried over: ${imported.mapped.join(', ') || '(nothing)'}`, `not carried over (${imported.unmapped.length}):`];
      for (const u of imported.unmapped) lines.push(`  ${u.key}: ${u.why}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  config
    .command('key')
    .description("print a .seb file's Config Key, and with --url the X-SafeExamBrowser-ConfigKeyHash header for that URL")
    .argument('<file>', 'the .seb file')
    .option('--password <password>', 'the password of a password-protected .seb')
    .option('--url <url>', 'the request URL the header is for (its #fragment is ignored)')
    .option('--json', 'print one JSON object: { configKey, configKeyHash? }')
    .action(async (file: string, options: { password?: string; url?: string; json?: boolean }) => {
      if (options.url !== undefined && !URL.canParse(options.url)) throw usageError('--url', `"${options.url}" is not a URL`);
      const key = configKey(readSeb(file, options.password));
      const hash = options.url ? configKeyHash(options.url, key) : undefined;
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ configKey: key, ...(hash ? { configKeyHash: hash } : {}) })}\n`);
        return;
      }
      process.stdout.write(`Config Key: ${key}\n${hash ? `X-SafeExamBrowser-ConfigKeyHash: ${hash}\n` : ''}`);
    });
}
