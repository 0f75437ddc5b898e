import { create } from 'zustand';
import { api } from '../../lib/api';

export interface Stats {
  readonly totals: { total: number; active: number; flaggedIntervals: number; highRisk: number; chainBroken: number };
  readonly reviews: { detectors: { detector: string; flags: number; confirmed: number; dismissed: number; confirmationRate: number | null }[]; statuses: Record<string, number> };
}

interface StatsState {
  readonly stats?: Stats;
  readonly error?: string;
  load(examId: string): Promise<void>;
}

export const useStatsStore = create<StatsState>((set) => ({
  async load(examId) {
    set({ error: undefined });
    try {
      const id = encodeURIComponent(examId);
      const [totals, reviews] = await Promise.all([api<Stats['totals']>('GET', `/api/v1/sessions/stats?exam_id=${id}`), api<Stats['reviews']>('GET', `/api/v1/exams/${id}/review-stats`)]);
      set({ stats: { totals, reviews } });
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },
}));
