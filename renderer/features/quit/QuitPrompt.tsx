import { useEffect, useRef, useState, type FormEvent } from 'react';
import { subscribe } from '../../lib/ipc-client';
import { useQuitStore } from './store';

/**
 * "Quit exam…" and its prompt: a modal dialog (the browser's own, so focus stays inside and Escape cancels)
 * where the invigilator types the quit password. A wrong one is said out loud; the right one stores the
 * session and closes Vigil. Closing the window mid-exam opens it too (Electron's main process asks).
 */
export function QuitPrompt() {
  const { phase, refusal, ask, cancel, submit } = useQuitStore();
  const [password, setPassword] = useState('');
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const open = phase !== 'closed';

  useEffect(() => subscribe('quit.requested', () => useQuitStore.getState().phase === 'closed' && ask()), [ask]);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) {
      d.close();
      opener.current?.focus();
    }
  }, [open]);
  // After a refusal the field is emptied and focused again, ready for another try.
  useEffect(() => {
    if (refusal) {
      setPassword('');
      input.current?.focus();
    }
  }, [refusal]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (password) void submit(password);
  };
  const busy = phase === 'checking' || phase === 'storing' || phase === 'closing';
  return (
    <>
      <button type="button" className="secondary" ref={opener} onClick={ask} aria-haspopup="dialog">
        Quit exam…
      </button>
      <dialog
        ref={dialog}
        className="quit-dialog"
        aria-labelledby="quit-heading"
        aria-describedby="quit-what"
        data-testid="quit-prompt"
        data-phase={phase}
        onCancel={(event) => {
          // Escape closes the prompt while a password is asked for, never while the session is being stored.
          event.preventDefault();
          cancel();
          setPassword('');
        }}
      >
        <h2 id="quit-heading">Quit the exam</h2>
        {phase === 'storing' || phase === 'closing' ? (
          <div aria-live="polite" data-testid="quit-accepted">
            <p id="quit-what">{phase === 'storing' ? 'Quit password accepted. Handing in the recording and storing your exam session…' : 'Your exam session is stored. Vigil is closing; if this window stays open, you may close it.'}</p>
            {phase === 'storing' && <progress aria-label="Storing your exam session" />}
          </div>
        ) : (
          <form onSubmit={onSubmit}>
            <p id="quit-what">
              Quitting ends your exam now. Ask your invigilator to type the quit password; what has been recorded is stored and Vigil closes.
            </p>
            <label className="field">
              <span>Invigilator&apos;s quit password</span>
              <input
                ref={input}
                type="password"
                autoComplete="off"
                autoFocus
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                disabled={busy}
                aria-invalid={refusal ? true : undefined}
                aria-describedby={refusal ? 'quit-refused' : undefined}
                data-testid="quit-password"
              />
            </label>
            {refusal && (
              <p id="quit-refused" className="notice fail" role="alert" data-testid="quit-refused">
                {refusal}
              </p>
            )}
            <div className="actions">
              <button type="submit" disabled={busy || password === ''}>
                {phase === 'checking' ? 'Checking…' : 'Quit the exam'}
              </button>{' '}
              <button
                type="button"
                className="secondary"
                disabled={busy}
                onClick={() => {
                  cancel();
                  setPassword('');
                }}
              >
                Cancel
              </button>
            </div>
          </form>
        )}
      </dialog>
    </>
  );
}
