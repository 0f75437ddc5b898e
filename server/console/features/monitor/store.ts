import { create } from 'zustand';
import { api } from '../../lib/api';

export interface MonitorRow {
  readonly id: string;
  readonly studentId: string;
  readonly status: 'active' | 'finished';
  readonly chainStatus: 'ok' | 'broken';
  readonly riskLevel: string | null;
  readonly intervalScore: number | null;
  readonly warnings: string[];
  readonly pendingOutbox: number | null;
  readonly lastHeartbeatAt: string | null;
  /** When the newest live thumbnail arrived (the exam's policy says liveView: thumbnails), or null. */
  readonly thumbnailAt: string | null;
  readonly startedAt: string;
  readonly instructions: { id: string; kind: string; message: string | null; createdAt: string; confirmedAt: string | null }[];
}

export type StateFilter = 'all' | 'incident' | 'active' | 'finished';

/** Heartbeat age thresholds: the client beats every 5 s, so two missed beats is amber and six is red. */
export const AMBER_SECONDS = 15;
export const RED_SECONDS = 30;

export function isIncident(row: MonitorRow, now = Date.now()): boolean {
  const age = row.lastHeartbeatAt ? (now - new Date(row.lastHeartbeatAt).getTime()) / 1000 : null;
  return row.chainStatus === 'broken' || row.riskLevel === 'HIGH_RISK' || row.riskLevel === 'SUSPICIOUS' || row.warnings.length > 0 || (row.status === 'active' && (age === null || age >= AMBER_SECONDS));
}

/** How the console names each instruction it sends. */
const INSTRUCTION_WORDS = { message: 'message', pause: 'pause', finish: 'finish exam' } as const;

/** SEB Server's order: incidents first, then the active, then the finished; newest first within each. */
export function ordered(rows: readonly MonitorRow[], filter: StateFilter, now = Date.now()): MonitorRow[] {
  const rank = (r: MonitorRow) => (isIncident(r, now) ? 0 : r.status === 'active' ? 1 : 2);
  return rows
    .filter((r) => filter === 'all' || (filter === 'incident' ? isIncident(r, now) : r.status === filter))
    .sort((a, b) => rank(a) - rank(b) || b.startedAt.localeCompare(a.startedAt));
}

interface MonitorState {
  readonly examId?: string;
  readonly rows: MonitorRow[];
  readonly filter: StateFilter;
  readonly connected: boolean;
  /** The last live change, read out politely by the page's live region. */
  readonly announcement: string;
  readonly error?: string;
  readonly sent?: string;
  watch(examId: string): () => void;
  refresh(): Promise<void>;
  setFilter(filter: StateFilter): void;
  instruct(sessionId: string, kind: 'message' | 'pause' | 'finish', message?: string): Promise<void>;
}

export const useMonitorStore = create<MonitorState>((set, get) => ({
  rows: [],
  filter: 'all',
  connected: false,
  announcement: '',
  watch(examId) {
    set({ examId, rows: [], error: undefined, sent: undefined, announcement: '' });
    void get().refresh();
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/live?exam_id=${encodeURIComponent(examId)}`;
    let socket: WebSocket | null = null;
    let stopped = false;
    let pending: ReturnType<typeof setTimeout> | null = null;
    const connect = () => {
      socket = new WebSocket(url);
      socket.onopen = () => set({ connected: true });
      socket.onclose = () => {
        set({ connected: false });
        if (!stopped) setTimeout(connect, 2000);
      };
      socket.onmessage = (event) => {
        const message = JSON.parse(String(event.data)) as { type: string; sessionId?: string; riskLevel?: string };
        const student = get().rows.find((r) => r.id === message.sessionId)?.studentId ?? 'a candidate';
        // Heartbeats and thumbnails arrive every few seconds: the table shows them; only events are read out.
        if (message.type !== 'heartbeat' && message.type !== 'thumbnail') set({ announcement: `${message.type.replace('session.', '').replace(/_/g, ' ')}: ${student}` });
        // One refetch per burst of messages: the table is the server's view, not a copy patched by hand.
        if (!pending) pending = setTimeout(() => ((pending = null), void get().refresh()), 150);
      };
    };
    connect();
    const ticker = setInterval(() => set({ rows: [...get().rows] }), 5000);
    return () => {
      stopped = true;
      socket?.close();
      clearInterval(ticker);
    };
  },
  async refresh() {
    const examId = get().examId;
    if (!examId) return;
    try {
      const rows = await api<MonitorRow[]>('GET', `/api/v1/exams/${examId}/monitor`);
      const before = get().rows;
      for (const r of rows) {
        for (const i of r.instructions) {
          const was = before.find((b) => b.id === r.id)?.instructions.find((x) => x.id === i.id);
          if (was && !was.confirmedAt && i.confirmedAt) set({ announcement: `${r.studentId} confirmed the ${i.kind} instruction` });
        }
      }
      set({ rows, error: undefined });
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },
  setFilter: (filter) => set({ filter }),
  async instruct(sessionId, kind, message) {
    await api('POST', `/api/v1/sessions/${sessionId}/instructions`, { kind, ...(message ? { message } : {}) });
    const student = get().rows.find((r) => r.id === sessionId)?.studentId ?? sessionId;
    set({ sent: `Sent ${INSTRUCTION_WORDS[kind]} to ${student}; waiting for the candidate's confirmation.` });
    await get().refresh();
  },
}));
