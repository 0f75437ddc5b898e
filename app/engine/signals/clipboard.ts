/**
 * The clipboard during an exam: cleared when the exam starts and when it ends (so nothing is carried in or
 * out), watched in between. A change is recorded with its formats, length and a short hash: enough to tell
 * repeated pastes of the same text apart, never the content itself.
 */
import { createHash } from 'node:crypto';
import type { SignalOf, SignalSink } from './events';
import type { SessionClock } from './session-clock';
import { repeatingOperation, type SessionOperation } from './session-operation';

export interface ClipboardContent {
  readonly formats: readonly string[];
  readonly text: string;
}

/** The port a host implements (Electron's clipboard; xclip on X11). */
export interface ClipboardPort {
  readonly name: string;
  /**
   * Which X11 selection: the clipboard (Ctrl+C), or PRIMARY (whatever text was last selected, pasted with a middle
   * click). Other OSes have only the clipboard.
   */
  readonly selection?: 'clipboard' | 'primary';
  read(): Promise<ClipboardContent>;
  clear(): Promise<void>;
}

export const CLIPBOARD_POLL_INTERVAL_MS = 500;

const fingerprint = (c: ClipboardContent) => createHash('sha256').update(c.formats.join(',')).update('\0').update(c.text).digest('hex').slice(0, 16);

export interface ClipboardGuardResult {
  readonly changed: SignalOf<'clipboard'> | null;
}

/**
 * perform(): the first pass clears the clipboard (a 'cleared' event); later passes compare and record changes.
 * revert(): stops watching and clears it again.
 */
export function createClipboardGuard(options: { clipboard: ClipboardPort; clock: SessionClock; sink: SignalSink; onError?: (error: Error) => void }): SessionOperation<ClipboardGuardResult> {
  const { clipboard, clock, sink } = options;
  let last: string | undefined;

  async function clear(reason: 'exam_start' | 'exam_end'): Promise<SignalOf<'clipboard'>> {
    const at = Date.now();
    await clipboard.clear();
    const after = await clipboard.read();
    last = fingerprint(after);
    const event: SignalOf<'clipboard'> = { type: 'clipboard', t: clock.at(at), action: 'cleared', formats: [...after.formats], evidence: { reason, source: clipboard.name, selection: clipboard.selection ?? 'clipboard', emptyAfter: after.text.length === 0 } };
    sink(event);
    return event;
  }

  async function perform(): Promise<ClipboardGuardResult> {
    if (last === undefined) {
      await clear('exam_start');
      return { changed: null };
    }
    const at = Date.now();
    const content = await clipboard.read();
    const print = fingerprint(content);
    if (print === last) return { changed: null };
    last = print;
    const changed: SignalOf<'clipboard'> = { type: 'clipboard', t: clock.at(at), action: 'changed', formats: [...content.formats], evidence: { length: content.text.length, sha256: print, source: clipboard.name, selection: clipboard.selection ?? 'clipboard' } };
    sink(changed);
    return { changed };
  }

  return repeatingOperation('clipboard', perform, {
    intervalMs: CLIPBOARD_POLL_INTERVAL_MS,
    onError: options.onError,
    undo: async () => {
      await clear('exam_end');
    },
  });
}
