/**
 * The scoring hook the session engine calls: OS signal events -> alerts in the engine's one Alert shape, with
 * the policy's weights for window switches (+4) and copy/paste (+5). One act is one alert: a switch combo
 * followed by a focus loss is one window switch, a Ctrl+C followed by a clipboard change is one copy.
 */
import type { AlertType } from '../policy/policy';
import type { Alert, Severity } from '../rules/alert';
import type { ComboId, SignalEvent, SignalOf } from './events';
import { VM_SCORE_THRESHOLD } from './vm-detection';

/** DESIGN.md system 4: points per occurrence within an interval. */
export const SIGNAL_WEIGHTS = { window_switch: 4, copy_paste: 5 } as const;
export type SignalAct = keyof typeof SIGNAL_WEIGHTS;

/** The alert type (and so the policy weight) each act is scored under. */
export const ACT_ALERT_TYPE: Record<SignalAct, AlertType> = { window_switch: 'focus_lost', copy_paste: 'clipboard' };

/** A combo and the effect it causes are one act when the effect follows within this many seconds. */
export const SAME_ACT_WITHIN_SEC = 2;

const SWITCH_COMBOS: ReadonlySet<ComboId> = new Set(['alt_tab', 'cmd_tab', 'alt_esc', 'ctrl_esc', 'super', 'console_switch']);
const COPY_COMBOS: ReadonlySet<ComboId> = new Set(['copy', 'cut']);

const COMBO_SEVERITY: Partial<Record<ComboId, Severity>> = { print_screen: 'warning', alt_f4: 'warning', function_key: 'info' };
const CRITICAL_CATEGORIES = new Set(['remote_access', 'screen_capture', 'cheating_tool']);

type Combo = SignalOf<'key_combo'>;

function point(type: AlertType, t: number, severity: Severity, confidence: number, evidence: Record<string, unknown>): Alert {
  return { type, start: t, end: t, severity, confidence, evidence };
}

/**
 * focus.ts (and console-watch.ts) record a loss when it starts and again, with its end, when it is over: keep the
 * latest row of each.
 */
function latestFocusRows(events: readonly SignalEvent[]): SignalEvent[] {
  const latest = new Map<string, number>();
  const key = (e: SignalEvent) => (e.type === 'focus_lost' || e.type === 'console_switch' ? `${e.type}:${e.source}@${e.t}` : undefined);
  events.forEach((e, i) => {
    const k = key(e);
    if (k) latest.set(k, i);
  });
  return events.filter((e, i) => {
    const k = key(e);
    return k === undefined || latest.get(k) === i;
  });
}

/** Alerts for a session's (or an interval's) signal events, sorted by start. */
export function signalAlerts(events: readonly SignalEvent[]): Alert[] {
  const sorted = latestFocusRows(events).sort((a, b) => a.t - b.t);
  const alerts: Alert[] = [];
  const usedCombos = new Set<Combo>();
  const combos = sorted.filter((e): e is Combo => e.type === 'key_combo');
  /** The latest unused combo of `kinds` in the SAME_ACT_WITHIN_SEC before t. */
  const causeOf = (kinds: ReadonlySet<ComboId>, t: number) => {
    const cause = combos.filter((c) => kinds.has(c.combo) && !usedCombos.has(c) && c.t <= t && t - c.t <= SAME_ACT_WITHIN_SEC).pop();
    if (cause) usedCombos.add(cause);
    return cause;
  };

  // Electron's blur and the OS foreground watch see the same switch: one act, the OS side adding which window won.
  const focusRows = sorted.filter((e): e is SignalOf<'focus_lost'> => e.type === 'focus_lost');
  const twinOf = (e: SignalOf<'focus_lost'>) => focusRows.find((o) => o.source !== e.source && Math.abs(o.t - e.t) <= SAME_ACT_WITHIN_SEC);

  /** Leaving the exam's window or console for `e.end - e.t` seconds: one window_switch, with the combo that did it. */
  const switchAway = (e: { t: number; end: number | null; evidence: object }, how: object, more: object = {}): Alert => {
    const cause = causeOf(SWITCH_COMBOS, e.t);
    return {
      type: ACT_ALERT_TYPE.window_switch,
      start: e.t,
      end: e.end ?? e.t,
      severity: 'warning',
      confidence: 1,
      evidence: { act: 'window_switch', ...how, awaySec: e.end === null ? null : e.end - e.t, ...(cause ? { combo: cause.keys } : {}), ...e.evidence, ...more },
    };
  };

  for (const e of sorted) {
    switch (e.type) {
      case 'focus_lost': {
        const twin = twinOf(e);
        if (twin && e.source === 'os') break;
        alerts.push(switchAway(e, { source: e.source }, twin ? { os: twin.evidence } : {}));
        break;
      }
      case 'clipboard': {
        if (e.action !== 'changed') break; // Vigil's own clearing is not the candidate's act
        // PRIMARY changes whenever text is selected, in the exam page too: kept in the record, not scored as a copy.
        if (e.evidence.selection === 'primary') break;
        const cause = causeOf(COPY_COMBOS, e.t);
        alerts.push(point(ACT_ALERT_TYPE.copy_paste, cause?.t ?? e.t, 'warning', 1, { act: 'copy_paste', action: cause?.combo ?? 'copy', formats: e.formats, ...(cause ? { combo: cause.keys } : { combo: null }), ...e.evidence }));
        break;
      }
      case 'prohibited_process':
        alerts.push(
          point('prohibited_process', e.t, CRITICAL_CATEGORIES.has(e.category) ? 'critical' : 'warning', e.evidence.matchedOn === 'executable' ? 1 : 0.9, {
            name: e.name, pid: e.pid, category: e.category, action: e.action, ...e.evidence,
          }),
        );
        break;
      case 'display_change':
        alerts.push(point('display_change', e.t, e.count > 1 ? 'warning' : 'info', 1, { count: e.count, previousCount: e.previousCount, ...e.evidence }));
        break;
      case 'vm_detected':
        if (e.score >= VM_SCORE_THRESHOLD) alerts.push(point('vm_detected', e.t, 'warning', e.score, { score: e.score, ...e.evidence }));
        break;
      case 'clock_changed':
        alerts.push(point('clock_changed', e.t, 'warning', 1, { jumpSec: e.jumpSec, ...e.evidence }));
        break;
      case 'remote_session':
        // Someone else may be driving or watching this computer: as grave as a remote-access program.
        alerts.push(point('remote_session', e.t, 'critical', 1, { kinds: e.kinds, ...e.evidence }));
        break;
      case 'console_switch': {
        if (e.source === 'keymap') {
          // Not a switch yet, but the lock against one was undone on purpose: kept apart from the points.
          alerts.push(point('key_combo', e.t, 'warning', 1, { act: 'console_lock_undone', ...e.evidence }));
          break;
        }
        // Another virtual console took the screen: the candidate left the exam as surely as with Alt+Tab.
        alerts.push(switchAway(e, { via: 'console_switch' }));
        break;
      }
      case 'key_combo':
        break; // placed below, once their effects have claimed them
    }
  }

  // Combos left over: a paste (never changes the clipboard), a copy that changed nothing, a switch attempt the lock
  // blocked (no focus loss). Each is still one act of its kind.
  for (const c of combos) {
    if (usedCombos.has(c)) continue;
    const evidence = { combo: c.keys, windowFocused: c.windowFocused, blocked: c.blocked, ...c.evidence };
    if (c.combo === 'copy' || c.combo === 'cut' || c.combo === 'paste') alerts.push(point(ACT_ALERT_TYPE.copy_paste, c.t, 'warning', c.windowFocused === false ? 0.7 : 1, { act: 'copy_paste', action: c.combo, ...evidence }));
    else if (SWITCH_COMBOS.has(c.combo)) alerts.push(point('key_combo', c.t, 'warning', 1, { act: 'window_switch_attempt', ...evidence }));
    else alerts.push(point('key_combo', c.t, COMBO_SEVERITY[c.combo] ?? 'info', 1, { act: c.combo, ...evidence }));
  }
  return alerts.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** Points for window switches and copy/paste in [from, to): the weights above, one per act. */
export function signalPoints(events: readonly SignalEvent[], from: number, to: number): { points: number; acts: Record<SignalAct, number> } {
  const acts: Record<SignalAct, number> = { window_switch: 0, copy_paste: 0 };
  for (const a of signalAlerts(events)) {
    if (a.start < from || a.start >= to) continue;
    if (a.evidence.act === 'window_switch' || a.evidence.act === 'window_switch_attempt') acts.window_switch += 1;
    if (a.evidence.act === 'copy_paste') acts.copy_paste += 1;
  }
  return { points: acts.window_switch * SIGNAL_WEIGHTS.window_switch + acts.copy_paste * SIGNAL_WEIGHTS.copy_paste, acts };
}
