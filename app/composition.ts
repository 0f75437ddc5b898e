/**
 * The composition root: the one place that wires the Electron shell together. Read top to bottom, it is the
 * start-up specification of the desktop app.
 */
import { MessageChannelMain, app, type BrowserWindow } from 'electron';
import { delimiter, join } from 'node:path';
import { startEngineUtilityProcess, type EngineUtilityProcess } from './adapters/engine-utility-process';
import type { ExamPolicy } from './engine/policy/policy';
import type { RpcClient } from './engine/rpc/client';
import { engineStartEnv, superviseEngine } from './engine/rpc/engine-supervisor';
import { deliverSignals, type SignalDelivery } from './engine/rpc/signal-delivery';
import type { SignalEvent } from './engine/signals/events';
import { refusalReason } from './engine/signals/preflight';
import { createSessionClock } from './engine/signals/session-clock';
import { EVENT_CHANNEL, routeIpc } from './ipc/electron-router';
import { restoreKeymapLeftBehind } from './lockdown/console-switch-lock';
import { startLockdown, type Lockdown } from './lockdown/lockdown';
import { createNavigationAllowList, type NavigationAllowList } from './lockdown/navigation';
import { LINK_SCHEME, appUrlForLink, examLinkInArgs, parseExamLink } from './shell/exam-link';
import { APP_ORIGIN, isAppUrl, registerAppScheme, serveRenderer } from './shell/protocol';
import { applySecurityPolicy } from './shell/security';
import { installSebHeader } from './shell/seb-header';
import { createMainWindow } from './shell/window';
import { engineProcessEnv } from './engine/memory-env.mjs';

export interface CompositionOptions {
  /** The folder holding main.mjs, preload.cjs, engine.mjs and renderer/. */
  readonly distDir: string;
  readonly development: boolean;
}

/** Runs before 'ready': what Electron needs to know before it starts. */
export function prepare(): void {
  registerAppScheme();
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) app.quit();
  // Exam links (vigil://exam/<policy>) open this app; installers register the scheme too (electron-builder.yml).
  app.setAsDefaultProtocolClient(LINK_SCHEME);
}

export async function compose(options: CompositionOptions): Promise<void> {
  await app.whenReady();

  // 1. Security rules apply to every web contents created from here on; navigation is the app's own until an
  //    exam starts and names its allowed sites.
  let allowNavigation: NavigationAllowList = isAppUrl;
  applySecurityPolicy(() => allowNavigation);

  // 2. The renderer is served from the app's own origin, never file://.
  serveRenderer(join(options.distDir, 'renderer'));

  // 3. The engine runs out of the main process, in a utilityProcess; the shell only routes to it. One that stops
  //    mid-exam is started again and the session goes on (engine/rpc/engine-supervisor.ts, as in the browser shell).
  //    `--allow-unsigned` is the developer flag: unsigned policies open, marked as such on screen and in the report.
  const developerFlag = process.argv.includes('--allow-unsigned') ? { VIGIL_ALLOW_UNSIGNED: '1' } : {};
  //    A packaged app carries its own ffmpeg and ffprobe (electron-builder.yml, extraResources), found first on PATH.
  const bundledTools = app.isPackaged ? { PATH: [join(process.resourcesPath, 'ffmpeg'), process.env.PATH].filter(Boolean).join(delimiter) } : {};
  const stateDir = process.env.VIGIL_HOME ?? app.getPath('userData');
  const engineEnv = engineProcessEnv({ ...process.env, ...developerFlag, ...bundledTools, VIGIL_HOME: stateDir });
  const engine = superviseEngine((restarted) => startEngineUtilityProcess(join(options.distDir, 'engine.mjs'), engineStartEnv(engineEnv, restarted)), {
    log,
    // A restarted engine needs the window's camera-frame channel again (the old one died with the old engine).
    onStart: (started, restarted) => restarted && giveFramePort(started),
  });
  // A lockdown killed mid-exam may have left the candidate's keyboard without its console switch: give it back.
  void restoreKeymapLeftBehind(stateDir).then(
    (outcome) => outcome !== 'none' && log(`keyboard left by a stopped exam: ${outcome}`),
    (error: unknown) => log(`keyboard left by a stopped exam not restored: ${(error as Error).message}`),
  );

  // The exam's lockdown while one is in progress (step 5), and the SEB header for an exam imported from SEB.
  let lockdown: Lockdown | undefined;
  let stopSebHeader: (() => void) | undefined;

  // 4. One window; IPC is accepted only from it. An exam link opens the app on its policy, at launch or later
  //    (macOS sends open-url; Windows and Linux start a second instance whose arguments carry the link).
  let window: BrowserWindow | undefined = createMainWindow({ preload: join(options.distDir, 'preload.cjs'), devTools: options.development });
  window.on('closed', () => (window = undefined));
  // Camera frames skip the main process: each page of ours gets a MessagePort whose other end is in the engine
  // process, and transfers each frame's buffer over it (a new pair per load; the old ports close with the page).
  function giveFramePort(transport: EngineUtilityProcess): void {
    const contents = window?.webContents;
    if (!contents || !isAppUrl(contents.getURL())) return;
    const { port1, port2 } = new MessageChannelMain();
    transport.attachFramePort(port2);
    contents.postMessage('vigil:frame-port', null, [port1]);
  }
  window.webContents.on('did-finish-load', () => giveFramePort(engine.current()));
  const openLink = (link: string | undefined) => {
    if (!link || !window) return;
    const parsed = parseExamLink(link);
    if (!parsed.ok) return log(`exam link refused: ${parsed.reason}`);
    if (lockdown) return log('exam link ignored: an exam is in progress');
    void window.loadURL(appUrlForLink(APP_ORIGIN, parsed));
    window.focus();
  };
  openLink(examLinkInArgs(process.argv));
  app.on('open-url', (event, link) => {
    event.preventDefault();
    openLink(link);
  });
  app.on('second-instance', (_event, argv) => openLink(examLinkInArgs(argv)));

  // 5. When the candidate's exam starts, the lockdown starts first: kiosk, keyboard lock, OS signals. If what
  //    it could bring up does not meet the exam's policy (a required keyboard lock that cannot hold), the start is
  //    refused before the engine opens a session; the engine then applies its own start checks (programs, VM,
  //    remote session, displays). When the exam ends, every step is reverted and quitting is allowed again.
  let starting: { lockdown: Lockdown; signals: DeferredSink; policy: ExamPolicy } | undefined;
  let examSignals: DeferredSink | undefined;
  const unroute = routeIpc(engine, () => window?.webContents, {
    before: async (channel) => {
      if (channel !== 'session.start' || !window) return undefined;
      if (lockdown || starting) return { ok: false, error: { code: 'session_running', message: 'an exam is already in progress in this window' } };
      let policy: ExamPolicy;
      try {
        // The policy comes from the engine, which verified it; never from the page's request.
        policy = ((await engine.call('exam.current', {})) as { policy: ExamPolicy }).policy;
      } catch {
        return undefined; // no exam open: the engine answers session.start with why
      }
      allowNavigation = createNavigationAllowList(APP_ORIGIN, policy.allowedOrigins);
      const signals = deferredSink(engine);
      let started: Lockdown;
      try {
        started = await beginExam(window, policy, signals);
      } catch (error) {
        allowNavigation = isAppUrl;
        return { ok: false, error: { code: 'start_refused', message: `the exam lockdown did not start: ${(error as Error).message}` } };
      }
      if (!started.mayStart) {
        await started.revert();
        allowNavigation = isAppUrl;
        return { ok: false, error: { code: 'start_refused', message: `this exam may not start on this computer: ${refusalReason(started.preflight)}` } };
      }
      starting = { lockdown: started, signals, policy };
      return undefined;
    },
    after: (channel, _payload, outcome) => {
      if (channel === 'session.start' && starting) {
        const { lockdown: started, signals, policy } = starting;
        starting = undefined;
        if (outcome.ok && window) {
          const { sessionId } = outcome.result as { sessionId: string };
          signals.attach(sessionId);
          lockdown = started;
          examSignals = signals;
          const lockdownState = { state: 'on', mayStart: started.mayStart, preflight: started.preflight };
          void engine.call('session.context', { sessionId, lockdown: lockdownState }).catch((error: unknown) => log(`lockdown state not recorded: ${(error as Error).message}`));
          if (policy.sebConfigKey) stopSebHeader = installSebHeader(window.webContents.session, { configKey: policy.sebConfigKey, allowedOrigins: policy.allowedOrigins });
        } else {
          void started.revert();
          allowNavigation = isAppUrl;
        }
      } else if (channel === 'session.finish' && outcome.ok && lockdown) {
        lockdown.examEnded();
        // The session is handed in: what the lockdown records while it reverts has no session left to go to.
        const ended = examSignals;
        void lockdown.revert().finally(() => ended?.stop());
        lockdown = undefined;
        examSignals = undefined;
        stopSebHeader?.();
        stopSebHeader = undefined;
        allowNavigation = isAppUrl;
      }
    },
  });

  function beginExam(exam: BrowserWindow, policy: ExamPolicy, signals: DeferredSink): Promise<Lockdown> {
    return startLockdown({
      app, window: exam, appOrigin: APP_ORIGIN, development: options.development, os: policy.os, allowedOrigins: policy.allowedOrigins,
      // Started just before the session, so its clock starts a moment before the engine's (the start checks' time).
      quitPasswordHash: policy.quitPasswordHash, stateDir, clock: createSessionClock(), sink: signals.sink,
      // Closing the window mid-exam opens the page's quit prompt, where the engine checks the password
      // (session.quit) and an accepted quit hands the session in (session.finish) before the window closes.
      askQuitPassword: async () => {
        exam.webContents.send(EVENT_CHANNEL, 'quit.requested', {});
        return null;
      },
      // Refused shortcuts, navigations and quit attempts go into the session's record as well as the log.
      onNotice: (notice) => {
        log(`lockdown: ${notice.kind}: ${notice.detail}`);
        const sessionId = signals.sessionId();
        if (sessionId) void engine.call('session.context', { sessionId, lockdown: { lastNotice: notice } }).catch(() => undefined);
      },
    });
  }

  // 6. Quitting stops the engine after the window is gone.
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    unroute();
    engine.close();
  });
}

interface DeferredSink {
  readonly sink: (event: SignalEvent) => void;
  /** The session the signals belong to: those held so far are sent now, later ones as they come. */
  attach(sessionId: string): void;
  sessionId(): string | undefined;
  /** The session is over: nothing more is sent. */
  stop(): void;
}

/**
 * OS signals go to the engine's live session; the lockdown starts before the session exists, so its first
 * signals wait for the id. From then on they are delivered in order and sent again after an engine restart
 * (engine/rpc/signal-delivery.ts, as in the browser shell); never thrown at the OS hook.
 */
function deferredSink(engine: RpcClient): DeferredSink {
  let sessionId: string | undefined;
  let delivery: SignalDelivery | undefined;
  const held: SignalEvent[] = [];
  return {
    sink: (event) => (delivery ? delivery.push(event) : held.push(event)),
    attach(id) {
      sessionId = id;
      delivery = deliverSignals(engine, id, { log });
      for (const event of held.splice(0)) delivery.push(event);
    },
    sessionId: () => sessionId,
    stop: () => delivery?.stop(),
  };
}

function log(line: string): void {
  process.stderr.write(`vigil: ${line}\n`);
}
