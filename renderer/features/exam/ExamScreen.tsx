import { useEffect } from 'react';
import type { PolicyView } from '../../../app/ipc/contract';
import { useCaptureStore } from '../capture/store';
import { useFlowStore } from '../flow/store';
import { QuitPrompt } from '../quit/QuitPrompt';
import { useSyncStore } from '../sync/store';
import { useSyncPolling } from '../sync/use-sync-polling';
import { StatusLight } from './StatusLight';
import { examStartUrl, shownWarnings, useExamStore } from './store';

/**
 * Step 6: the exam page in a sandboxed frame (only the policy's allowed sites), the status light, the
 * warnings the policy chooses to show, each with why it appeared, and quitting early with the quit password.
 */
export function ExamScreen({ policy }: { policy: PolicyView }) {
  const warnings = shownWarnings(useCaptureStore((s) => s.warnings), policy);
  const dismiss = useCaptureStore((s) => s.dismissWarning);
  const { confirmingFinish, askToFinish, cancelFinish } = useExamStore();
  const go = useFlowStore((s) => s.go);
  const url = examStartUrl(policy);
  const framesSent = useCaptureStore((s) => s.framesSent);
  const segmentsSent = useCaptureStore((s) => s.segmentsSent);
  const session = useCaptureStore((s) => s.session);
  const practice = useFlowStore((s) => s.exam?.mode === 'practice');
  const { messages, paused, finishRequested, dismissMessage } = useSyncStore();
  const sessionId = session?.sessionId;
  // The invigilator's instructions arrive with the engine's heartbeat answers; the app asks for them every second.
  useSyncPolling(sessionId);
  // Finished by the invigilator: handed in as if the candidate had pressed "Yes, finish".
  useEffect(() => {
    if (finishRequested) go('finish');
  }, [finishRequested, go]);
  return (
    <section className="exam" aria-labelledby="exam-heading" data-testid="exam" data-session={session?.sessionId} data-frames-sent={framesSent} data-segments-sent={segmentsSent}>
      <header className="exam-bar">
        <h2 id="exam-heading">Exam in progress</h2>
        <StatusLight />
        {confirmingFinish ? (
          <span className="confirm" role="group" aria-label="Finish the exam?">
            Finish and hand in?{' '}
            <button type="button" onClick={() => go('finish')}>
              Yes, finish
            </button>{' '}
            <button type="button" className="secondary" onClick={cancelFinish}>
              Keep going
            </button>
          </span>
        ) : (
          <button type="button" className="secondary" onClick={askToFinish}>
            Finish exam…
          </button>
        )}
        <QuitPrompt />
      </header>
      <div role="status" aria-live="polite" data-testid="invigilator-messages">
        {messages.map((m) => (
          <p key={m.id} className="notice info" data-testid="invigilator-message">
            <strong>Message from your invigilator:</strong> {m.text}{' '}
            <button type="button" className="secondary small" onClick={() => dismissMessage(m.id)} aria-label={`Dismiss message: ${m.text}`}>
              OK
            </button>
          </p>
        ))}
      </div>
      {paused && (
        <p className="notice warn" role="alert" data-testid="exam-paused">
          <strong>Your invigilator has paused the exam.</strong> {paused.text} Vigil goes on recording; the exam page comes back when your invigilator sends their next instruction.
        </p>
      )}
      {/* Always present, so a warning added to it is announced (politely: the candidate is mid-question). */}
      <div aria-live="polite" data-testid="warnings-region">
        {warnings.length > 0 && (
          <ul className="warnings" aria-label="Warnings" data-testid="warnings">
            {warnings.map((w) => (
              <li key={w.id} className="notice warn" data-type={w.type}>
                <span>{w.why}</span>{' '}
                <button type="button" className="secondary small" onClick={() => dismiss(w.id)} aria-label={`Dismiss warning: ${w.why}`}>
                  OK
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {url ? (
        <iframe className="exam-frame" title="Exam" src={url} sandbox="allow-scripts allow-forms allow-same-origin" referrerPolicy="no-referrer" data-testid="exam-frame" hidden={paused !== null} />
      ) : (
        <p className={`notice ${practice ? 'ok' : 'warn'}`} data-testid="no-exam-site">
          {practice
            ? 'Practice exam: there are no questions. Sit as you would in a real exam; the warnings show what Vigil notices. Finish the exam when you are ready.'
            : 'This exam policy names no exam site, so there is no exam page to show. Tell your invigilator.'}
        </p>
      )}
    </section>
  );
}
