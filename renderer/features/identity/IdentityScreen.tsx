import type { PolicyView } from '../../../app/ipc/contract';
import { CameraPreview } from '../capture/CameraPreview';
import { useCaptureStore } from '../capture/store';
import { ProblemScreen } from '../flow/ProblemScreen';
import { StepNotUsed } from '../flow/StepNotUsed';
import { useFlowStore } from '../flow/store';
import { useIdentityStore } from './store';

function Step({ done, children }: { done: boolean; children: string }) {
  return (
    <li className={done ? 'done' : ''}>
      <span aria-hidden="true">{done ? '✓' : '○'}</span> {children}
      <span className="visually-hidden">{done ? ' (done)' : ' (not yet)'}</span>
    </li>
  );
}

/** Step 3: the candidate's face is enrolled, then a blink and head-turn challenge shows it is a live person. */
export function IdentityScreen({ policy }: { policy: PolicyView }) {
  const stream = useCaptureStore((s) => s.stream);
  const { phase, reason, progress, secondsLeft, problem, enroll, stop } = useIdentityStore();
  const go = useFlowStore((s) => s.go);
  const next = () => {
    stop();
    go('voice');
  };
  if (!policy.detectors.identity) {
    return (
      <StepNotUsed step="identity" title="Identity" onContinue={next}>
        This exam does not check identity with the camera; no photo is taken.
      </StepNotUsed>
    );
  }
  if (phase === 'error' && problem) return <ProblemScreen problem={problem} onRetry={() => void enroll()} />;
  return (
    <section className="panel" aria-labelledby="identity-heading" data-testid="identity" data-phase={phase}>
      <h2 id="identity-heading">Identity</h2>
      <CameraPreview stream={stream} label="Your camera" />
      {phase === 'idle' && (
        <>
          <p>Vigil takes one photo of your face to check, during the exam, that the same person stays in front of the camera. The photo stays on this computer.</p>
          <p>Then you will be asked to blink twice and turn your head to each side, so Vigil can tell a live person from a picture.</p>
          <div className="actions">
            <button type="button" onClick={() => void enroll()}>
              Take the photo
            </button>
          </div>
        </>
      )}
      {phase === 'enrolling' && <p aria-live="polite">Taking the photo…</p>}
      {phase === 'unavailable' && (
        <div className="notice warn" role="status" data-testid="identity-unavailable">
          <h3>Identity checking is not available</h3>
          <p>Vigil could not check your identity: {reason}.</p>
          <p>No identity result is recorded as passed. Your invigilator will check your identity another way (for example, your ID card).</p>
        </div>
      )}
      {(phase === 'challenge' || phase === 'passed' || phase === 'not-passed') && (
        <div aria-live="polite">
          {phase === 'challenge' && <p className="guidance">Blink twice, then turn your head slowly to your left and to your right. ({secondsLeft} s left)</p>}
          <ul className="challenge" data-testid="identity-steps">
            <Step done={(progress?.blinks ?? 0) >= 2}>{`Blink twice (${Math.min(2, progress?.blinks ?? 0)} of 2)`}</Step>
            <Step done={progress?.turnedLeft ?? false}>Turn your head to your left</Step>
            <Step done={progress?.turnedRight ?? false}>Turn your head to your right</Step>
            <Step done={progress?.matched ?? false}>Face matches the photo</Step>
          </ul>
          {phase === 'passed' && (
            <p className="notice ok" data-testid="identity-passed">
              Identity confirmed.
            </p>
          )}
          {phase === 'not-passed' && (
            <div className="notice warn" data-testid="identity-not-passed">
              <p>The challenge was not completed in time, so your identity is not confirmed. You can try again, or continue: your report will say the identity check was not passed, and your invigilator may check your identity another way.</p>
            </div>
          )}
        </div>
      )}
      {(phase === 'unavailable' || phase === 'passed' || phase === 'not-passed') && (
        <div className="actions">
          {phase === 'not-passed' && (
            <button type="button" className="secondary" onClick={() => void enroll()}>
              Try again
            </button>
          )}
          <button type="button" onClick={next}>
            Continue
          </button>
        </div>
      )}
    </section>
  );
}
