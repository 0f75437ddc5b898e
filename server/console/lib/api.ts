/**
 * The console's one way to the server: same-origin fetch with the session cookie, the CSRF token on every write,
 * and a signed-out answer (401) turned into `SignedOut`, which sends the console back to sign-in with a message.
 */
let csrfToken = '';
let onSignedOut: (message: string) => void = () => undefined;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export function whenSignedOut(listener: (message: string) => void): void {
  onSignedOut = listener;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string; message?: string; field?: string; rule?: string; [key: string]: unknown },
  ) {
    super(body.message ?? `the server answered ${status}`);
  }
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(method !== 'GET' ? { 'x-csrf-token': csrfToken } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const parsed = text && (res.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as unknown) : text;
  if (res.status === 401 && !path.endsWith('/auth/login')) {
    onSignedOut('Your sign-in has expired. Sign in again.');
  }
  if (!res.ok) throw new ApiError(res.status, typeof parsed === 'object' && parsed ? (parsed as ApiError['body']) : { message: String(parsed) });
  return parsed as T;
}

/** Seconds since an ISO time, or null. */
export function ageSeconds(iso: string | null, now = Date.now()): number | null {
  return iso ? Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000)) : null;
}
