import { create } from 'zustand';

export interface ConsentState {
  readonly agreed: boolean;
  setAgreed(agreed: boolean): void;
}

export const useConsentStore = create<ConsentState>((set) => ({ agreed: false, setAgreed: (agreed) => set({ agreed }) }));
