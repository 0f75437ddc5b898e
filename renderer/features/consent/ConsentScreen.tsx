import type { PolicyView } from '../../../app/ipc/contract';
import { useFlowStore } from '../flow/store';
import { useConsentStore } from './store';

const DETECTOR_WORDS: Record<string, string> = {
  face: 'whether your face is in view, and how many faces',
  gaze: 'where you are looking (head and eye direction)',
  objects: 'objects such as phones or books',
  audio: 'whether there is speech, and how many voices',
  liveness: 'whether the camera sees a live person',
  identity: 'whether you are the person enrolled at the start',
  text: 'written text held up to the camera',
  temporal: 'patterns of behaviour over time',
  os: 'programs, displays, key combinations and the clipboard on this computer',
};

/** Step 1: what is recorded, what stays here, what leaves the device; the candidate agrees or stops. */
export function ConsentScreen({ policy }: { policy: PolicyView }) {
  const { agreed, setAgreed } = useConsentStore();
  const thumbnails = policy.liveView === 'thumbnails';
  const go = useFlowStore((s) => s.go);
  const on = Object.entries(policy.detectors).filter(([, enabled]) => enabled);
  return (
    <section className="panel" aria-labelledby="consent-heading">
      <h2 id="consent-heading">Before you start: what Vigil records</h2>
      <h3>Checked on this computer during the exam</h3>
      <ul data-testid="consent-detectors">
        {on.map(([name]) => (
          <li key={name}>{DETECTOR_WORDS[name] ?? name}</li>
        ))}
      </ul>
      <h3>What stays on this computer</h3>
      <p>
        Camera and microphone are analysed here, by Vigil itself; no video or sound is streamed anywhere. Video is kept only for the last few seconds and deleted as the
        exam goes on, unless a moment is flagged. {policy.detectors.identity ? 'The photo of your face taken for the identity check stays here too.' : ''}
      </p>
      <h3>What leaves this computer</h3>
      <p>
        A report for your exam: the times of any warnings, with the reasons, and short video clips only of the moments that were flagged for review (a few seconds
        before and after).{' '}
        {thumbnails ? 'During the exam, your invigilator also sees your exam status and a small, low-quality picture from your camera, one about every 12 seconds; only the newest is kept, and it is not part of your report.' : 'During the exam, your invigilator sees your exam status (its state and warnings) only: no picture from your camera.'}{' '}
        Nothing else is sent.
      </p>
      <p data-testid="consent-live-view" data-live-view={thumbnails ? 'thumbnails' : 'status'}>
        <strong>Live view for this exam:</strong> {thumbnails ? 'status and a camera picture every 12 seconds' : 'status only, no camera picture'}.
      </p>
      <p>You will see every warning as it appears, and why.</p>
      <label className="check">
        <input type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} data-testid="consent-agree" />I have read this and agree to sit the exam
        under these conditions
      </label>
      <div className="actions">
        <button type="button" disabled={!agreed} onClick={() => go('system')}>
          Continue
        </button>
      </div>
    </section>
  );
}
