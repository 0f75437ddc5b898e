import { create } from 'zustand';
import type { PolicyCheck } from '../../../app/ipc/contract';
import { invoke } from '../../lib/ipc-client';
import { setPath, type PolicyDraft } from '../../lib/policy-draft';

export { getPath } from '../../lib/policy-draft';

type Draft = PolicyDraft;
type Problem = Extract<PolicyCheck, { ok: false }>;

export interface SettingsState {
  readonly phase: 'locked' | 'unlocking' | 'unlocked';
  readonly lockMessage?: string;
  readonly draft?: Draft;
  readonly name: string;
  readonly quitPassword: string;
  readonly problem?: Problem;
  readonly saved?: string;
  readonly saving: boolean;
  /** Bumped when a saved policy is opened, so fields holding their own text start again from it. */
  readonly revision: number;
  readonly opened?: string;
  unlock(password: string): Promise<void>;
  /** Opens the saved policy named in the name field for editing. */
  open(): Promise<void>;
  lock(): void;
  /** Sets one field by its dotted path and has the engine's schema judge the whole policy again. */
  edit(path: string, value: unknown): Promise<void>;
  setName(name: string): void;
  setQuitPassword(password: string): void;
  save(): Promise<void>;
}

/** Held only while unlocked: every save is authorised again by the engine. */
let password = '';

export const useSettingsStore = create<SettingsState>((set, get) => ({
  phase: 'locked',
  name: 'exam',
  quitPassword: '',
  saving: false,
  revision: 0,
  async unlock(typed) {
    set({ phase: 'unlocking', lockMessage: undefined });
    try {
      const result = await invoke('invigilator.unlock', { password: typed });
      if (!result.ok && result.firstUse) return set({ phase: 'locked', lockMessage: 'No invigilator password is set on this computer yet. Whoever administers it sets one with `vigil invigilator password`.' });
      if (!result.ok) return set({ phase: 'locked', lockMessage: 'That password is not right.' });
      password = typed;
      const defaults = await invoke('policy.check', { text: '{}', source: 'defaults' });
      set({ phase: 'unlocked', draft: defaults.ok ? (defaults.policy as Draft) : {} });
    } catch (error) {
      const message = (error as Error).message;
      set({ phase: 'locked', lockMessage: /password: /.test(message) ? 'The password must be at least 8 characters.' : message });
    }
  },
  lock() {
    password = '';
    set({ phase: 'locked', draft: undefined, problem: undefined, saved: undefined, quitPassword: '' });
  },
  async edit(path, value) {
    const draft = setPath(get().draft ?? {}, path, value);
    set({ draft, saved: undefined });
    const { hasQuitPassword: _shown, ...edited } = draft as Draft & { hasQuitPassword?: boolean };
    const check = await invoke('policy.check', { text: JSON.stringify(edited), source: get().name });
    set({ problem: check.ok ? undefined : check });
  },
  async open() {
    const { name, revision } = get();
    const loaded = await invoke('policy.load', { name });
    if (loaded.ok) set({ draft: loaded.policy as Draft, problem: undefined, saved: undefined, opened: name, quitPassword: '', revision: revision + 1 });
    else set({ problem: loaded, opened: undefined });
  },
  setName: (name) => set({ name, saved: undefined, opened: undefined }),
  setQuitPassword: (quitPassword) => set({ quitPassword, saved: undefined }),
  async save() {
    const { draft, name, quitPassword } = get();
    if (!draft) return;
    set({ saving: true, saved: undefined });
    try {
      const result = await invoke('policy.save', { name, policy: draft, invigilatorPassword: password, ...(quitPassword ? { quitPassword } : {}) });
      if (result.ok) set({ saved: result.path, problem: undefined, quitPassword: '' });
      else set({ problem: result });
    } catch (error) {
      set({ problem: { ok: false, field: '(save)', rule: (error as Error).message, message: (error as Error).message } });
    } finally {
      set({ saving: false });
    }
  },
}));
