/**
 * Exam links: `vigil://exam/config/<signed config>` (what the institution server publishes beside the file;
 * app/engine/config/signed-config.ts) opens the candidate app on that config, which the engine verifies like a file;
 * `vigil://exam/<policy-name>` (or `vigil://exam?policy=<policy-name>`) on an exam saved on this computer. Both are
 * checked here (a compact JWS's characters; the saved-policy name rule) before they go anywhere near a URL, so a
 * link cannot smuggle a path or a query into the app.
 */
import { isCompactJws, MAX_LINK_CONFIG_CHARS } from '../engine/config/signed-config';

export const LINK_SCHEME = 'vigil';
const POLICY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export type ExamLink = { ok: true; policyName: string; config?: undefined } | { ok: true; config: string; policyName?: undefined } | { ok: false; reason: string };

export function parseExamLink(link: string): ExamLink {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return { ok: false, reason: `${link.slice(0, 80)}: not a link` };
  }
  if (url.protocol !== `${LINK_SCHEME}:`) return { ok: false, reason: `${url.protocol} links are not Vigil exam links` };
  const parts = `${url.host}${url.pathname}`.split('/').filter(Boolean);
  if (parts[0] === 'exam' && parts[1] === 'config') {
    const config = parts.length === 3 && !url.search && !url.hash ? parts[2]! : '';
    if (!isCompactJws(config)) return { ok: false, reason: `an exam config link reads vigil://exam/config/<signed config> (a compact JWS, at most ${MAX_LINK_CONFIG_CHARS} characters)` };
    return { ok: true, config };
  }
  const named = parts.length === 2 ? decodePart(parts[1]!) : parts.length === 1 ? url.searchParams.get('policy') : null;
  if (named === undefined) return { ok: false, reason: `"${parts[1]!.slice(0, 80)}" is not percent-encoded UTF-8` };
  if (parts[0] !== 'exam' || named === null) return { ok: false, reason: 'an exam link reads vigil://exam/<policy-name>' };
  const name = named;
  if (!POLICY_NAME.test(name)) return { ok: false, reason: `"${name.slice(0, 80)}" is not a policy name (letters, digits, dot, dash, underscore; at most 64)` };
  return { ok: true, policyName: name };
}

/** A percent-encoded path part, or undefined when its escapes are not UTF-8 (`%E0%A4%A`). */
function decodePart(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/** The first exam link among command-line arguments (Windows and Linux pass the link as an argument). */
export function examLinkInArgs(argv: readonly string[]): string | undefined {
  return argv.find((a) => a.startsWith(`${LINK_SCHEME}://`));
}

/** Where the renderer opens for a link: the app page with the config to verify or the saved policy to load. */
export function appUrlForLink(appOrigin: string, link: ExamLink & { ok: true }): string {
  return link.config !== undefined ? `${appOrigin}/?config=${link.config}` : `${appOrigin}/?policy=${encodeURIComponent(link.policyName)}`;
}
