/**
 * Maps a SEB config onto a Vigil exam policy: what Vigil has a meaning for is carried over, every other key is
 * listed (with why, where a key was read but only partly used), so an invigilator sees what did not come along.
 */
import type { PlistValue } from 'plist';
import { configKey } from './config-key';
import type { SebSettings } from './seb-file';

export interface SebImport {
  /** Policy JSON (input to the policy schema; parse it with parsePolicy before use). */
  readonly policy: Record<string, unknown>;
  readonly configKey: string;
  /** Keys carried into the policy. */
  readonly mapped: string[];
  /** Keys (and entries of mapped lists) that Vigil does not carry, with why where it is not just "no meaning". */
  readonly unmapped: { key: string; why: string }[];
}

/** Keys that describe the file rather than the exam. */
const METADATA = new Set(['originatorVersion']);
const NO_MEANING = 'no Vigil setting';

const dict = (v: PlistValue | undefined): Record<string, PlistValue> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array) ? v : undefined;
const text = (v: PlistValue | undefined): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An allow rule's expression as an origin, when it names one host: `https://lms.example.edu/*`,
 * `lms.example.edu`, `lms.example.edu/mod/quiz/*`. Wildcard hosts and regular expressions have no origin form.
 */
function ruleOrigin(expression: string): string | undefined {
  if (/[*?]/.test(expression.split('/')[expression.includes('://') ? 2 : 0] ?? '')) return undefined;
  return originOf(expression.includes('://') ? expression.replace(/\*+$/, '') : `https://${expression.replace(/\*+$/, '')}`);
}

export function importSebSettings(settings: SebSettings): SebImport {
  const mapped: string[] = [];
  const unmapped: SebImport['unmapped'] = [];
  const origins = new Set<string>();
  const policy: Record<string, unknown> = {};
  const os: Record<string, unknown> = {};
  const take = (key: string) => mapped.push(key);

  const start = text(settings.startURL);
  if (start && originOf(start)) {
    policy.examUrl = start;
    origins.add(originOf(start)!);
    take('startURL');
  } else if (settings.startURL !== undefined) unmapped.push({ key: 'startURL', why: start ? `"${start}" is not an http(s) URL` : 'empty' });

  const quit = text(settings.quitURL);
  if (quit && originOf(quit)) {
    policy.quitUrl = quit;
    take('quitURL');
  } else if (settings.quitURL !== undefined) unmapped.push({ key: 'quitURL', why: quit ? `"${quit}" is not an http(s) URL` : 'empty' });

  const quitHash = text(settings.hashedQuitPassword);
  if (quitHash && /^[0-9a-fA-F]{64}$/.test(quitHash)) {
    // SEB stores the quit password as unsalted SHA-256 hex; password.ts verifies this form for imported exams.
    policy.quitPasswordHash = `sha256$${quitHash.toLowerCase()}`;
    take('hashedQuitPassword');
  } else if (settings.hashedQuitPassword !== undefined) unmapped.push({ key: 'hashedQuitPassword', why: quitHash ? 'not a SHA-256 hex digest' : 'empty (no quit password)' });

  const rules = Array.isArray(settings.URLFilterRules) ? settings.URLFilterRules : [];
  if (settings.URLFilterRules !== undefined) {
    take('URLFilterRules');
    rules.forEach((raw, i) => {
      const rule = dict(raw);
      const expression = text(rule?.expression);
      const where = `URLFilterRules[${i}]${expression ? ` (${expression})` : ''}`;
      if (!rule || rule.active === false) return unmapped.push({ key: where, why: 'inactive' });
      if (rule.action !== 1) return unmapped.push({ key: where, why: 'block rules have no Vigil form: Vigil allows only the listed origins' });
      if (rule.regex === true || !expression) return unmapped.push({ key: where, why: 'regular-expression rules have no origin form' });
      const origin = ruleOrigin(expression);
      if (!origin) return unmapped.push({ key: where, why: 'wildcard hosts have no origin form' });
      origins.add(origin);
    });
  }
  if (settings.URLFilterEnable !== undefined) take('URLFilterEnable');

  const prohibited = Array.isArray(settings.prohibitedProcesses) ? settings.prohibitedProcesses : [];
  if (settings.prohibitedProcesses !== undefined) {
    take('prohibitedProcesses');
    const extra: { pattern: string; category: 'cheating_tool' }[] = [];
    prohibited.forEach((raw, i) => {
      const entry = dict(raw);
      const executable = text(entry?.executable);
      if (!entry || entry.active === false || !executable) return unmapped.push({ key: `prohibitedProcesses[${i}]`, why: executable ? 'inactive' : 'no executable' });
      extra.push({ pattern: executable.toLowerCase().replace(/\.(exe|app)$/, ''), category: 'cheating_tool' });
    });
    if (extra.length) {
      os.extraProhibited = extra;
      os.prohibitedProcesses = 'refuse_to_start';
    }
  }
  if (typeof settings.allowVirtualMachine === 'boolean') {
    os.virtualMachine = settings.allowVirtualMachine ? 'allow' : 'refuse_to_start';
    take('allowVirtualMachine');
  }
  if (typeof settings.allowedDisplaysMaxNumber === 'number') {
    os.multipleDisplays = settings.allowedDisplaysMaxNumber > 1 ? 'allow' : 'refuse_to_start';
    take('allowedDisplaysMaxNumber');
  }

  if (origins.size) policy.allowedOrigins = [...origins];
  if (Object.keys(os).length) policy.os = os;
  const key = configKey(settings);
  policy.sebConfigKey = key;

  const done = new Set(mapped);
  for (const name of Object.keys(settings).sort()) {
    if (done.has(name) || METADATA.has(name) || unmapped.some((u) => u.key === name)) continue;
    unmapped.push({ key: name, why: NO_MEANING });
  }
  return { policy, configKey: key, mapped, unmapped };
}
