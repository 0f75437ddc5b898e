/**
 * OS signals as data: the events Vigil records about the machine during a session, each on the session
 * clock (`t`, seconds since the session started) and each with the evidence that explains it. They are
 * stored as rows of the hash-chained event log (see signal-log.ts) and scored by scoring.ts.
 */
import { z } from 'zod';

const t = z.number().finite().nonnegative();
const evidence = z.record(z.string(), z.unknown());

export const ComboId = z.enum([
  'alt_tab',
  'cmd_tab',
  'alt_esc',
  'ctrl_esc',
  'super',
  'print_screen',
  'alt_f4',
  'copy',
  'cut',
  'paste',
  'function_key',
  /** Ctrl+Alt+F1-F12: on Linux, a switch to another virtual console (a text login outside the exam's session). */
  'console_switch',
]);
export type ComboId = z.infer<typeof ComboId>;

/** The exam window lost focus at `t`; `end` is when it came back (null while it is still away). */
export const FocusLostEvent = z.object({
  type: z.literal('focus_lost'),
  t,
  end: t.nullable(),
  /** electron: the window's blur event; os: the OS foreground window changed. */
  source: z.enum(['electron', 'os']),
  evidence,
});

/** The clipboard's content changed, or Vigil cleared it (start and end of the exam). Content is never kept. */
export const ClipboardEvent = z.object({
  type: z.literal('clipboard'),
  t,
  action: z.enum(['changed', 'cleared']),
  formats: z.array(z.string()),
  evidence,
});

/** A key combination the candidate pressed, whether the exam window had focus, and whether the OS lock held it. */
export const KeyComboEvent = z.object({
  type: z.literal('key_combo'),
  t,
  combo: ComboId,
  /** Human-readable keys, e.g. "Ctrl+C". */
  keys: z.string(),
  /** null when the focus state is unknown (no window yet, or a plain Node host). */
  windowFocused: z.boolean().nullable(),
  blocked: z.boolean(),
  evidence,
});

export const ProcessPolicy = z.enum(['warn', 'refuse_to_start', 'terminate']);
export type ProcessPolicy = z.infer<typeof ProcessPolicy>;

export const ProhibitedCategory = z.enum(['remote_access', 'screen_capture', 'messaging', 'virtual_machine', 'cheating_tool']);
export type ProhibitedCategory = z.infer<typeof ProhibitedCategory>;

/** A prohibited program was found running, and what the policy did about it. */
export const ProhibitedProcessEvent = z.object({
  type: z.literal('prohibited_process'),
  t,
  name: z.string(),
  pid: z.number().int(),
  category: ProhibitedCategory,
  action: z.enum(['warned', 'refused', 'terminated', 'terminate_failed']),
  evidence,
});

/** The number or arrangement of displays changed. */
export const DisplayChangeEvent = z.object({
  type: z.literal('display_change'),
  t,
  count: z.number().int().nonnegative(),
  previousCount: z.number().int().nonnegative(),
  evidence,
});

/** The machine looks like a virtual machine: score 0..1 and the indicators that add up to it. */
export const VmDetectedEvent = z.object({
  type: z.literal('vm_detected'),
  t,
  score: z.number().min(0).max(1),
  evidence,
});

/** The session is being driven from elsewhere (SSH, RDP, VNC, remote-desktop tools). */
export const RemoteSessionEvent = z.object({
  type: z.literal('remote_session'),
  t,
  kinds: z.array(z.string()).min(1),
  evidence,
});

/**
 * The wall clock moved against the monotonic session clock by `jumpSec` (negative: set back). Nothing else on
 * the session clock moves with it; the jump is recorded because a candidate may set the clock to confuse the
 * record (wall-clock-watch.ts).
 */
export const ClockChangedEvent = z.object({
  type: z.literal('clock_changed'),
  t,
  jumpSec: z.number().finite(),
  evidence,
});

/**
 * The screen left the exam for another virtual console (Ctrl+Alt+F1-F12 on Linux: a text login outside the exam's
 * session), seen where the key itself cannot be (the X server switches before any client hears the F key).
 * `vt`: the active console left the exam's; recorded at once (end: null) and again with its end when it comes back
 * (same `t`), like focus_lost. `keymap`: the X keymap had its console-switch actions back mid-exam (someone reset
 * it) and the lock removed them again; a point in time (end = t).
 */
export const ConsoleSwitchEvent = z.object({
  type: z.literal('console_switch'),
  t,
  end: t.nullable(),
  source: z.enum(['vt', 'keymap']),
  evidence,
});

export const SignalEvent = z.discriminatedUnion('type', [
  FocusLostEvent,
  ClipboardEvent,
  KeyComboEvent,
  ProhibitedProcessEvent,
  DisplayChangeEvent,
  VmDetectedEvent,
  RemoteSessionEvent,
  ClockChangedEvent,
  ConsoleSwitchEvent,
]);
export type SignalEvent = z.infer<typeof SignalEvent>;
export type SignalType = SignalEvent['type'];
export type SignalOf<T extends SignalType> = Extract<SignalEvent, { type: T }>;

export const SIGNAL_TYPES: readonly SignalType[] = ['focus_lost', 'clipboard', 'key_combo', 'prohibited_process', 'display_change', 'vm_detected', 'remote_session', 'clock_changed', 'console_switch'];

/** Where signals go: the session's event log in the engine, an array in tests. */
export type SignalSink = (event: SignalEvent) => void;
