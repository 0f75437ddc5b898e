/**
 * The one way the engine opens an exam config, whatever brought it (a file, a vigil:// link, the practice button):
 * a signed config is verified against the pinned keys, then its policy is parsed; an unsigned policy opens only
 * with the developer flag and is marked so everywhere. The result keeps the secrets (quit password hash,
 * enrolment token) for the engine; `examView` is what may leave it.
 */
import { parsePolicy, PolicyError, type ExamPolicy } from '../policy/policy';
import { looksLikeSignedConfig, verifyExamConfig, type Refusal } from './signed-config';
import { PRACTICE_KEY } from './practice';
import { mergeTrust, readTrustFile, TrustFileError, type TrustFile } from './trust';

export interface TrustSources {
  /** resources/trust.json as built into this app. */
  readonly installerFile: string;
  /** The machine-wide trust file (machineTrustFile()). */
  readonly machineFile: string;
}

/** The keys this computer trusts now: the practice key (practice only), the installer's, the machine's. */
export function loadTrust(sources: TrustSources): TrustFile {
  return mergeTrust({ version: 1, keys: [PRACTICE_KEY] }, readTrustFile(sources.installerFile), readTrustFile(sources.machineFile));
}

export type ExamMode = 'exam' | 'practice' | 'unsigned';

export interface OpenedExam {
  readonly mode: ExamMode;
  readonly examId: string | null;
  readonly policy: ExamPolicy;
  readonly server?: { url: string; spkiPin?: string };
  readonly enrolmentToken?: string;
  /** The trusted key's name, for signed configs. */
  readonly signer?: string;
  readonly expiresAt?: string;
}

export type OpenRefusal = { ok: false; reason: Refusal['reason'] | 'unsigned' | 'bad_policy' | 'trust_file'; field: string; rule: string; message: string };

export interface OpenOptions {
  /** The trusted keys, or how to read them (read at every open, so a trust file deployed meanwhile counts). */
  readonly trust: TrustFile | TrustSources;
  /** The developer flag (VIGIL_ALLOW_UNSIGNED=1): plain JSON policies open, marked "unsigned exam: for testing only". */
  readonly allowUnsigned: boolean;
  readonly now: number;
}

export const UNSIGNED_BANNER = 'unsigned exam: for testing only';

function policyProblem(error: PolicyError, source: string): OpenRefusal {
  const rest = error.message.slice(source.length + 2);
  const cut = rest.indexOf(': ');
  return { ok: false, reason: 'bad_policy', field: cut >= 0 ? rest.slice(0, cut) : '(top level)', rule: cut >= 0 ? rest.slice(cut + 2) : rest, message: error.message };
}

function parseWith(value: unknown, source: string): { ok: true; policy: ExamPolicy } | OpenRefusal {
  try {
    return { ok: true, policy: parsePolicy(value, source) };
  } catch (error) {
    if (error instanceof PolicyError) return policyProblem(error, source);
    throw error;
  }
}

export async function openExamConfig(text: string, source: string, options: OpenOptions): Promise<({ ok: true } & OpenedExam) | OpenRefusal> {
  if (looksLikeSignedConfig(text)) {
    let trust: TrustFile;
    try {
      trust = 'keys' in options.trust ? options.trust : loadTrust(options.trust);
    } catch (error) {
      if (!(error instanceof TrustFileError)) throw error;
      return { ok: false, reason: 'trust_file', field: '(trust file)', rule: error.message, message: `trust file: ${error.message}` };
    }
    const verified = await verifyExamConfig(text, trust, options.now);
    if (!verified.ok) return { ok: false, reason: verified.reason, field: '(signature)', rule: verified.message, message: `${source}: ${verified.message}` };
    const parsed = parseWith(verified.claims.policy, source);
    if (!parsed.ok) return parsed;
    return {
      ok: true,
      mode: verified.claims.mode,
      examId: verified.claims.examId,
      policy: parsed.policy,
      server: verified.claims.mode === 'practice' ? undefined : verified.server,
      enrolmentToken: verified.claims.enrolmentToken,
      signer: verified.key.name,
      expiresAt: new Date(verified.claims.exp * 1000).toISOString(),
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: 'not_a_config', field: '(file)', rule: `neither a signed exam config nor JSON (${(error as Error).message})`, message: `${source}: not a signed exam config` };
  }
  if (!options.allowUnsigned) {
    return { ok: false, reason: 'unsigned', field: '(signature)', rule: 'unsigned exam config: ask your institution for the signed one (developers: VIGIL_ALLOW_UNSIGNED=1)', message: `${source}: unsigned exam config` };
  }
  const parsed = parseWith(json, source);
  if (!parsed.ok) return parsed;
  return { ok: true, mode: 'unsigned', examId: null, policy: parsed.policy };
}

/** What the renderer may see of an opened exam: never the quit password hash, the token or the SEB key. */
export function examView(exam: OpenedExam) {
  const { quitPasswordHash, sebConfigKey: _key, ...policy } = exam.policy;
  return {
    policy: { ...policy, hasQuitPassword: quitPasswordHash !== undefined },
    exam: { mode: exam.mode, examId: exam.examId, signer: exam.signer ?? null, expiresAt: exam.expiresAt ?? null, serverUrl: exam.server?.url ?? null },
  };
}
