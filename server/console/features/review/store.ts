import { create } from 'zustand';
import type { ReviewView } from '../../../api/review-view';
import { api, ApiError } from '../../lib/api';

// The answer of GET /api/v1/sessions/:id/review, described once beside its route (types only: no zod in the bundle).
export type { FlagView, ReviewView } from '../../../api/review-view';

export const REVIEW_STATUSES = [
  ['not_reviewed', 'Not reviewed'],
  ['no_violation', 'No violation'],
  ['suspicious', 'Suspicious'],
  ['violation', 'Violation'],
] as const;

interface ReviewState {
  readonly view?: ReviewView;
  readonly error?: string;
  /** A decision refused because someone else reviewed since this page loaded. */
  readonly conflict?: string;
  readonly saved?: string;
  open(sessionId: string): Promise<void>;
  decide(flagKey: string | null, decision: string, note: string): Promise<boolean>;
}

export const useReviewStore = create<ReviewState>((set, get) => ({
  async open(sessionId) {
    set({ error: undefined, conflict: undefined, saved: undefined });
    try {
      set({ view: await api<ReviewView>('GET', `/api/v1/sessions/${encodeURIComponent(sessionId)}/review`) });
    } catch (error) {
      set({ view: undefined, error: (error as Error).message });
    }
  },
  async decide(flagKey, decision, note) {
    const view = get().view;
    if (!view) return false;
    try {
      await api('POST', `/api/v1/sessions/${view.session.id}/reviews`, { flagKey, decision, note, expectedVersion: view.version });
      // Keep the conflict visible until the reviewer acts again; a fresh view replaces the stale one.
      set({ saved: `${flagKey ? 'Flag' : 'Session'} marked ${decision.replace(/_/g, ' ')}.`, conflict: undefined });
      await get().open(view.session.id).then(() => set({ saved: `${flagKey ? 'Flag' : 'Session'} marked ${decision.replace(/_/g, ' ')}.` }));
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        set({ conflict: `Not saved: ${error.message}. The page now shows their decision.` });
        const conflict = get().conflict;
        await get().open(view.session.id);
        set({ conflict });
      } else set({ error: error instanceof ApiError ? `${error.message}` : (error as Error).message });
      return false;
    }
  },
}));
