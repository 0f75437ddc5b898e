/**
 * Where the exam window may go: the app's own origin and the exam's allowed origins (policy.allowedOrigins),
 * compared as whole origins (scheme, host, port), never as string prefixes — "https://exam.example.org.evil.com"
 * is not "https://exam.example.org".
 */
export type NavigationAllowList = (url: string) => boolean;

export function createNavigationAllowList(appOrigin: string, allowedOrigins: readonly string[]): NavigationAllowList {
  // Custom schemes (vigil-app:) have an opaque origin ("null"): compare scheme and host for those.
  const key = (u: URL) => (u.origin === 'null' ? `${u.protocol}//${u.host}` : u.origin);
  const appProtocol = new URL(appOrigin).protocol;
  const keys = new Set<string>();
  for (const origin of [appOrigin, ...allowedOrigins]) {
    try {
      keys.add(key(new URL(origin)));
    } catch {
      // an unparsable origin allows nothing; the policy schema already rejects it
    }
  }
  return (url) => {
    try {
      const u = new URL(url);
      // user@host names the same origin, but nothing Vigil loads has credentials in its address
      if (u.username || u.password) return false;
      return (u.protocol === 'https:' || u.protocol === appProtocol) && keys.has(key(u));
    } catch {
      return false;
    }
  };
}
