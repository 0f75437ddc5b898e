/**
 * A request's path as a file under the renderer folder, shared by both shells (Electron's `vigil-app:` handler
 * and the browser shell's static server). Free of Electron and Node's http.
 */
import { join, normalize, sep } from 'node:path';

/**
 * A path, percent-decoded, or null when it cannot be one of our files: not starting with `/`, a broken percent
 * escape (`/%E0%A4%A` is not UTF-8; decodeURIComponent throws on it), or a NUL byte.
 */
export function decodeRequestPath(target: string): string | null {
  if (!target.startsWith('/')) return null;
  const raw = target.split(/[?#]/, 1)[0] ?? '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null;
  }
  return decoded.includes('\0') ? null : decoded;
}

/**
 * The file a request path names under `root` (`/` is index.html), 'bad_request' for a path that cannot be
 * decoded, or null for one that leaves the folder (`/../x`, `/%2e%2e/x`, `/..%2Fx`).
 */
export function fileUnder(root: string, target: string): string | 'bad_request' | null {
  const decoded = decodeRequestPath(target);
  if (decoded === null) return 'bad_request';
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = normalize(root);
  const full = normalize(join(base, relative));
  return full.startsWith(base.endsWith(sep) ? base : base + sep) ? full : null;
}
