/**
 * Which display server this session runs on, from the environment the desktop sets. The keyboard lock and the
 * OS key hook speak X11; under Wayland they reach only X11 (XWayland) windows, never the compositor's own
 * shortcuts, so the lock cannot hold what it says it holds.
 */
export type DisplayServer = 'x11' | 'wayland' | 'none' | 'not_linux';

export function displayServer(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): DisplayServer {
  if (platform !== 'linux') return 'not_linux';
  if (env.XDG_SESSION_TYPE === 'wayland' || env.WAYLAND_DISPLAY) return 'wayland';
  return env.DISPLAY ? 'x11' : 'none';
}

/** Why the X11 keyboard lock cannot hold this session's combos, or null when nothing here stops it. */
export function x11LockUnreachable(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): { reason: string; fix: string } | null {
  const server = displayServer(env, platform);
  if (server === 'wayland') return { reason: `Wayland session (${env.WAYLAND_DISPLAY ?? env.XDG_SESSION_TYPE}): the X11 lock cannot hold the compositor's shortcuts`, fix: 'log out and choose an X11 (Xorg) session at the login screen, then start Vigil again' };
  if (server === 'none') return { reason: 'no X display (DISPLAY is not set)', fix: 'run Vigil in a desktop session' };
  return null;
}
