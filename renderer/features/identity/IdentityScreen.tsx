import { useEffect } from 'react';
import { CameraPreview } from '../capture/CameraPreview';
import { useCaptureStore } from '../capture/store';
import { useFlowStore } from '../flow/store';
import { useSystemCheckStore } from '../system-check/store';
import { useIdentityStore } from './store';

/** Step 3: identity. Without a face pipeline it says so plainly; no identity result is made up. */
export function IdentityScreen() {
  const stream = useCaptureStore((s) => s.stream);
  const checks = useSystemCheckStore((s) => s.checks);
  const { availability, fromChecks } = useIdentityStore();
  const go = useFlowStore((s) => s.go);
  useEffect(() => fromChecks(checks), [checks, fromChecks]);
  return (
    <section className="panel" aria-labelledby="identity-heading">
      <h2 id="identity-heading">Identity</h2>
      <CameraPreview stream={stream} label="Your camera" />
      <div className="notice warn" role="status" data-testid="identity-unavailable">
        <h3>Identity checking is not available</h3>
        <p>Vigil cannot check your identity on this computer: {availability.reason}.</p>
        <p>No photo is taken and no identity result is recorded. Your invigilator will check your identity another way (for example, your ID card).</p>
      </div>
      <div className="actions">
        <button type="button" onClick={() => go('calibration')}>
          Continue
        </button>
      </div>
    </section>
  );
}
