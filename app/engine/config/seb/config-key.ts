/**
 * SEB's Config Key, the value Moodle's quizaccess_seb and other LMSs check: the settings plist as sorted,
 * whitespace-free JSON without `originatorVersion` and without empty dictionaries, hashed with SHA-256. The
 * `X-SafeExamBrowser-ConfigKeyHash` request header is SHA-256 of the request URL (fragment removed) followed by
 * the key. Sources: SEB's DataProcessor.cs / Json.cs and Moodle's property_list.php (see README.md).
 */
import { createHash } from 'node:crypto';
import type { PlistValue } from 'plist';

/** Ordinal order of two keys compared case-insensitively; ties (same letters) put lowercase first. */
function compareKeys(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  if (a === b) return 0;
  // Lowercase sorts after uppercase in code points; SEB puts it first, so invert the plain comparison.
  return a < b ? 1 : -1;
}

function isDict(value: PlistValue): value is { [key: string]: PlistValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array);
}

/** Drops empty dictionaries at any depth (a dictionary emptied by this counts as empty too). */
function withoutEmptyDicts(value: PlistValue): PlistValue | undefined {
  if (Array.isArray(value)) return value.map(withoutEmptyDicts).filter((v): v is PlistValue => v !== undefined);
  if (!isDict(value)) return value;
  const kept: { [key: string]: PlistValue } = {};
  for (const [key, child] of Object.entries(value)) {
    const c = withoutEmptyDicts(child);
    if (c !== undefined) kept[key] = c;
  }
  return Object.keys(kept).length === 0 ? undefined : kept;
}

function serialise(value: PlistValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString().replace(/\.\d{3}Z$/, '+00:00'));
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (Array.isArray(value)) return `[${value.map(serialise).join(',')}]`;
  const keys = Object.keys(value).sort(compareKeys);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${serialise(value[k]!)}`).join(',')}}`;
}

/** The JSON text the Config Key hashes (exported so a mismatch can be diffed against another implementation). */
export function configKeyJson(settings: { [key: string]: PlistValue }): string {
  const { originatorVersion: _dropped, ...rest } = settings;
  return serialise(withoutEmptyDicts(rest) ?? {});
}

export function configKey(settings: { [key: string]: PlistValue }): string {
  return createHash('sha256').update(configKeyJson(settings), 'utf8').digest('hex');
}

/** The request URL as SEB hashes it: everything but the fragment. */
export function urlWithoutFragment(url: string): string {
  const cut = url.indexOf('#');
  return cut < 0 ? url : url.slice(0, cut);
}

/** `X-SafeExamBrowser-ConfigKeyHash` for a request to `url`. */
export function configKeyHash(url: string, key: string): string {
  return createHash('sha256').update(urlWithoutFragment(url) + key, 'utf8').digest('hex');
}

export const CONFIG_KEY_HEADER = 'X-SafeExamBrowser-ConfigKeyHash';
