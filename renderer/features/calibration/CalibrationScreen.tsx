import { useEffect, useState } from 'react';
import type { PolicyView } from '../../../app/ipc/contract';
import { CameraPreview } from '../capture/CameraPreview';
import { useCaptureStore } from '../capture/store';
import { ProblemScreen } from '../flow/ProblemScreen';
import { useFlowStore } from '../flow/store';
import { useCalibrationStore } from './store';

/** Live guidance from the engine's answer to the latest frame. */
function guidance(analysed: boolean | undefined, faceCount: number | null | undefined): string {
  if (analysed === undefined) return 'Starting the camera…';
  if (!analysed) return 'Sit as you will during the exam and look at the centre of the screen.';
  if (faceCount === 0) return 'We cannot see your face. Move so your face is in the middle of the picture.';
  if ((faceCount ?? 0) > 1) return 'More than one face is in view. Only you should be visible.';
  return 'Good. Keep looking at the centre of the screen.';
}

/** Step 5: the engine learns how this candidate normally sits and looks, and gives its verdict. */
export function CalibrationScreen({ policy }: { policy: PolicyView }) {
  const { phase, seconds, verdict, vision, problem, run } = useCalibrationStore();
  const stream = useCaptureStore((s) => s.stream);
  const last = useCaptureStore((s) => s.last);
  const go = useFlowStore((s) => s.go);
  const [left, setLeft] = useState(0);

  useEffect(() => {
    if (phase === 'idle') void run(policy);
  }, [phase, run, policy]);
  useEffect(() => {
    if (phase !== 'watching') return;
    setLeft(seconds);
    const timer = setInterval(() => setLeft((s) => Math.max(0, s - 1)), 1000);
    return () => clearInterval(timer);
  }, [phase, seconds]);

  if (phase === 'error' && problem) return <ProblemScreen problem={problem} onRetry={() => void run(policy)} />;

  return (
    <section className="panel" aria-labelledby="calibration-heading">
      <h2 id="calibration-heading">Calibration</h2>
      <CameraPreview stream={stream} label="Your camera" />
      {(phase === 'starting' || phase === 'watching') && (
        <p className="guidance" aria-live="polite" data-testid="calibration-guidance">
          {guidance(last?.analysed, last?.faceCount)} {phase === 'watching' && <span>({left} s left)</span>}
        </p>
      )}
      {phase === 'judging' && <p aria-live="polite">Checking…</p>}
      {phase === 'done' && verdict && (
        <div aria-live="polite" data-testid="calibration-verdict" data-status={verdict.status}>
          {verdict.status === 'SUCCESS' && (
            <p className="notice ok">
              Calibrated: {verdict.framesAccepted} of {verdict.framesSeen} frames were steady. Warnings will be judged against how you normally sit.
            </p>
          )}
          {verdict.status === 'FAILED' && (
            <div className="notice fail" role="alert">
              <p>Calibration did not succeed:</p>
              <ul>
                {verdict.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
              <p>Sit still, face the screen, and make sure only you are in view; then try again.</p>
            </div>
          )}
          {verdict.status === 'SKIPPED' && (
            <div className="notice warn">
              <p>Calibration could not run: {verdict.reasons.join('; ') || vision?.reason}.</p>
              <p>
                {verdict.framesReceived} camera frames reached Vigil but were not analysed. The exam uses standard thresholds, and your report says calibration was skipped.
              </p>
            </div>
          )}
          <div className="actions">
            {verdict.status === 'FAILED' ? (
              <button type="button" onClick={() => void run(policy)}>
                Try again
              </button>
            ) : (
              <button type="button" onClick={() => go('exam')}>
                Start the exam
              </button>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
