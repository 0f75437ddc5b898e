import { create } from 'zustand';
import type { SessionSync } from '../../../app/ipc/contract';
import { invoke } from '../../lib/ipc-client';

type Instruction = SessionSync['instructions'][number];

/** How often the app asks the engine about its link to the institution. */
export const SYNC_POLL_MS = 1000;

export interface SyncState {
  /** The session the figures and instructions belong to. */
  readonly sessionId: string | null;
  /** The engine's last answer: server, outbox figures, heartbeat. */
  readonly view: SessionSync | null;
  /** Messages from the invigilator, newest last, until the candidate dismisses them. */
  readonly messages: { id: string; text: string }[];
  /** The invigilator paused the exam (until their next instruction). */
  readonly paused: { text: string } | null;
  /** The invigilator finished the exam: the exam screen hands it in. */
  readonly finishRequested: { text: string | null } | null;
  /** Asks the engine, reporting `done` instructions first; shows or acts on what it answers. */
  poll(sessionId: string): Promise<void>;
  dismissMessage(id: string): void;
  reset(): void;
}

/** Instructions shown or acted on, not yet reported to the engine (it confirms them on its next heartbeat). */
let done: string[] = [];
/** One question to the engine at a time: an instruction must never be applied twice. */
let polling = false;

export const useSyncStore = create<SyncState>((set, get) => ({
  sessionId: null,
  view: null,
  messages: [],
  paused: null,
  finishRequested: null,
  async poll(sessionId) {
    if (polling) return;
    // Another session (the candidate sat a second exam in this window): nothing of the first carries over.
    if (get().sessionId !== sessionId) {
      get().reset();
      set({ sessionId });
    }
    polling = true;
    try {
      for (let round = 0; round < 5; round++) {
        const report = done;
        done = [];
        let view: SessionSync;
        try {
          view = await invoke('session.sync', { sessionId, done: report });
        } catch {
          done = [...report, ...done]; // the engine is restarting: report them next time
          return;
        }
        set({ view });
        const fresh = view.instructions.filter((i) => !report.includes(i.id));
        if (fresh.length === 0) return;
        for (const i of fresh) apply(i, set, get);
        // Shown or acted on now: the engine hears it at once, and confirms it on its next heartbeat.
        done.push(...fresh.map((i) => i.id));
      }
    } finally {
      polling = false;
    }
  },
  dismissMessage: (id) => set({ messages: get().messages.filter((m) => m.id !== id) }),
  reset: () => {
    done = [];
    set({ sessionId: null, view: null, messages: [], paused: null, finishRequested: null });
  },
}));

function apply(i: Instruction, set: (s: Partial<SyncState>) => void, get: () => SyncState): void {
  if (i.kind === 'message') {
    // Any later instruction lifts a pause: the invigilator has spoken again.
    set({ messages: [...get().messages, { id: i.id, text: i.message ?? '(no text)' }], paused: null });
  } else if (i.kind === 'pause') {
    set({ paused: { text: i.message ?? 'Your invigilator has paused the exam. Please wait.' } });
  } else if (i.kind === 'finish') {
    set({ finishRequested: { text: i.message }, paused: null });
  } else {
    // A kind added to the protocol must be handled here on purpose: falling through to finish would hand the exam in.
    const unhandled: never = i.kind;
    throw new Error(`unknown instruction kind ${String(unhandled)}`);
  }
}

/** What the finish screen says about sending: figures straight from the outbox. */
export function sendingFigures(view: SessionSync | null): { server: string | null; sent: number; pending: number; waiting: string[] } {
  if (!view?.server) return { server: null, sent: 0, pending: 0, waiting: [] };
  const sent = view.outbox.reduce((n, o) => n + o.sent, 0);
  const pending = view.outbox.reduce((n, o) => n + o.pending, 0);
  const waiting = view.outbox.filter((o) => o.pending > 0).map((o) => `${o.pending} ${KIND_WORDS[o.kind] ?? o.kind}`);
  return { server: view.server, sent, pending, waiting };
}

const KIND_WORDS: Record<string, string> = { enrol: 'enrolment', event: 'recorded events', evidence: 'video clips', report: 'report', interim: 'interim summaries' };
