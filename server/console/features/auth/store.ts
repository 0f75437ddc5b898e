import { create } from 'zustand';
import { api, ApiError, setCsrfToken, whenSignedOut } from '../../lib/api';

export type Role = 'admin' | 'invigilator' | 'reviewer';
export interface User {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
}

interface AuthState {
  readonly phase: 'checking' | 'signed-out' | 'signing-in' | 'signed-in';
  readonly user?: User;
  readonly message?: string;
  /** Asks the server whether the cookie still signs someone in. */
  restore(): Promise<void>;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  expired(message: string): void;
}

/** Which screens each role may open; the server refuses the rest anyway. */
export const SCREENS: Record<Role, readonly string[]> = {
  admin: ['exams', 'exam', 'monitor', 'review', 'stats'],
  invigilator: ['exams', 'monitor'],
  reviewer: ['exams', 'review', 'stats'],
};

export const useAuthStore = create<AuthState>((set) => ({
  phase: 'checking',
  async restore() {
    try {
      const me = await api<{ user: User; csrfToken: string }>('GET', '/api/v1/auth/me');
      setCsrfToken(me.csrfToken);
      set({ phase: 'signed-in', user: me.user, message: undefined });
    } catch {
      set((s) => ({ phase: 'signed-out', user: undefined, message: s.message }));
    }
  },
  async signIn(email, password) {
    set({ phase: 'signing-in', message: undefined });
    try {
      const me = await api<{ user: User; csrfToken: string }>('POST', '/api/v1/auth/login', { email, password });
      setCsrfToken(me.csrfToken);
      set({ phase: 'signed-in', user: me.user });
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 0;
      set({ phase: 'signed-out', message: status === 401 ? 'Wrong email or password.' : status === 429 ? 'Too many tries: wait a minute.' : status === 400 ? 'Enter an email address and a password.' : (error as Error).message });
    }
  },
  async signOut() {
    await api('POST', '/api/v1/auth/logout').catch(() => undefined);
    set({ phase: 'signed-out', user: undefined, message: 'You are signed out.' });
  },
  expired(message) {
    set({ phase: 'signed-out', user: undefined, message });
  },
}));

whenSignedOut((message) => useAuthStore.getState().expired(message));
