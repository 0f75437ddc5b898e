import { useEffect } from 'react';
import { SYNC_POLL_MS, useSyncStore } from './store';

/** Asks the engine about the session's link to the institution every second while `sessionId` is shown. */
export function useSyncPolling(sessionId: string | undefined): void {
  useEffect(() => {
    if (!sessionId) return;
    const poll = () => void useSyncStore.getState().poll(sessionId);
    poll();
    const timer = setInterval(poll, SYNC_POLL_MS);
    return () => clearInterval(timer);
  }, [sessionId]);
}
