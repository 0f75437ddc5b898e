import { create } from 'zustand';
import { getPath, setPath, type PolicyDraft } from '../../../../renderer/lib/policy-draft';
import { api, ApiError } from '../../lib/api';

export interface ExamSummary {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}
export interface ExamDetail extends ExamSummary {
  readonly policy: PolicyDraft;
  readonly hasQuitPassword: boolean;
  readonly invigilators: { id: string; email: string }[];
}
export interface Problem {
  readonly field: string;
  readonly rule: string;
}

interface ExamsState {
  readonly exams: ExamSummary[];
  readonly loading: boolean;
  readonly error?: string;
  /** Shown once after creating: the enrolment token candidates' devices join with. */
  readonly created?: { examId: string; name: string; enrolmentToken: string };
  readonly exam?: ExamDetail;
  /** The schema's defaults, every field filled in: what a field shows as its default. */
  readonly defaults?: PolicyDraft;
  readonly draft?: PolicyDraft;
  readonly problem?: Problem;
  readonly quitPassword: string;
  readonly saved?: string;
  readonly saving: boolean;
  readonly staff: { id: string; email: string; role: string }[];
  /** The last signed config: its file name and text, offered as a download. */
  readonly published?: { fileName: string; config: string; link: string; expiresAt: string };
  readonly publishProblem?: Problem;
  load(): Promise<void>;
  publish(serverUrl: string): Promise<void>;
  create(name: string): Promise<void>;
  open(examId: string, withStaff: boolean): Promise<void>;
  /** Sets one field by dotted path and has the server's copy of the engine schema judge the whole draft. */
  edit(path: string, value: unknown): Promise<void>;
  setQuitPassword(password: string): void;
  save(): Promise<void>;
  assign(userId: string): Promise<void>;
}

const message = (error: unknown) => (error instanceof ApiError ? (error.body.message ?? error.message) : (error as Error).message);

export const useExamsStore = create<ExamsState>((set, get) => ({
  exams: [],
  loading: false,
  quitPassword: '',
  saving: false,
  staff: [],
  async load() {
    set({ loading: true, error: undefined });
    try {
      set({ exams: await api<ExamSummary[]>('GET', '/api/v1/exams') });
    } catch (error) {
      set({ error: message(error) });
    } finally {
      set({ loading: false });
    }
  },
  async create(name) {
    try {
      const created = await api<{ examId: string; enrolmentToken: string }>('POST', '/api/v1/exams', { name });
      set({ created: { ...created, name }, error: undefined });
      await get().load();
    } catch (error) {
      set({ error: `name: ${message(error)}` });
    }
  },
  async open(examId, withStaff) {
    set({ exam: undefined, draft: undefined, problem: undefined, saved: undefined, quitPassword: '', error: undefined, published: undefined, publishProblem: undefined });
    try {
      const [exam, defaults] = await Promise.all([
        api<ExamDetail>('GET', `/api/v1/exams/${encodeURIComponent(examId)}`),
        api<{ ok: true; policy: PolicyDraft }>('POST', '/api/v1/policy/check', { policy: {} }),
      ]);
      set({ exam, draft: exam.policy, defaults: defaults.policy });
      if (withStaff) set({ staff: await api<ExamsState['staff']>('GET', '/api/v1/users') });
    } catch (error) {
      set({ error: message(error) });
    }
  },
  async edit(path, value) {
    const draft = setPath(get().draft ?? {}, path, value);
    set({ draft, saved: undefined });
    const verdict = await api<{ ok: boolean; field?: string; rule?: string }>('POST', '/api/v1/policy/check', { policy: draft });
    set({ problem: verdict.ok ? undefined : { field: verdict.field!, rule: verdict.rule! } });
  },
  setQuitPassword: (quitPassword) => set({ quitPassword, saved: undefined }),
  async save() {
    const { exam, draft, quitPassword } = get();
    if (!exam || !draft) return;
    set({ saving: true, saved: undefined });
    try {
      const result = await api<{ hasQuitPassword: boolean }>('PUT', `/api/v1/exams/${exam.id}/policy`, { policy: draft, ...(quitPassword ? { quitPassword } : {}) });
      set({ saved: quitPassword ? 'Policy and quit password saved.' : 'Policy saved.', quitPassword: '', exam: { ...exam, hasQuitPassword: result.hasQuitPassword }, problem: undefined });
    } catch (error) {
      if (error instanceof ApiError && error.body.field) set({ problem: { field: error.body.field, rule: error.body.rule ?? error.message } });
      else if (error instanceof ApiError && /quitPassword/.test(error.message)) set({ problem: { field: 'quitPassword', rule: 'at least 8 characters' } });
      else set({ problem: { field: '(save)', rule: message(error) } });
    } finally {
      set({ saving: false });
    }
  },
  async publish(serverUrl) {
    const exam = get().exam;
    if (!exam) return;
    set({ published: undefined, publishProblem: undefined });
    try {
      set({ published: await api<{ fileName: string; config: string; link: string; expiresAt: string }>('POST', `/api/v1/exams/${exam.id}/publish`, { serverUrl }) });
    } catch (error) {
      set({ publishProblem: error instanceof ApiError && error.body.field ? { field: error.body.field, rule: error.body.rule ?? error.message } : { field: 'serverUrl', rule: message(error) } });
    }
  },
  async assign(userId) {
    const exam = get().exam;
    if (!exam) return;
    await api('POST', `/api/v1/exams/${exam.id}/assignments`, { userId });
    await get().open(exam.id, true);
  },
}));

export { getPath };
