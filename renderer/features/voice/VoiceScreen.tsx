import { useEffect, useRef } from 'react';
import type { PolicyView } from '../../../app/ipc/contract';
import { ProblemScreen } from '../flow/ProblemScreen';
import { StepNotUsed } from '../flow/StepNotUsed';
import { useFlowStore } from '../flow/store';
import { LISTEN_SECONDS, SENTENCE, useVoiceStore } from './store';

/** After identity: the candidate reads one sentence aloud, so Vigil can tell their voice from others during the exam. */
export function VoiceScreen({ policy }: { policy: PolicyView }) {
  const { phase, secondsLeft, heard, needed, problem, listen, finishedReading, skip } = useVoiceStore();
  const go = useFlowStore((s) => s.go);
  const actions = useRef<HTMLDivElement>(null);
  // The button that was pressed goes away with each phase: keyboard focus moves to what can be done next.
  useEffect(() => {
    if (phase !== 'idle') actions.current?.querySelector('button')?.focus();
  }, [phase]);
  const next = () => go('calibration');
  const withoutVoice = async () => {
    if (await skip()) next();
  };

  if (policy.detectors.audio === false) {
    return (
      <StepNotUsed step="voice" title="Your voice" onContinue={next}>
        This exam does not use the microphone, so Vigil does not need to hear your voice.
      </StepNotUsed>
    );
  }
  if (phase === 'error' && problem) return <ProblemScreen problem={problem} onRetry={() => void listen()} />;
  return (
    <section className="panel" aria-labelledby="voice-heading" data-testid="voice" data-phase={phase}>
      <h2 id="voice-heading">Your voice</h2>
      <p>
        During the exam Vigil listens for other people talking. Please read the sentence below aloud once, in your normal voice, so Vigil can tell your voice from others. It takes a few seconds, and the
        recording stays on this computer.
      </p>
      <figure className="notice">
        <figcaption id="voice-sentence-label">Sentence to read aloud</figcaption>
        <blockquote aria-labelledby="voice-sentence-label" data-testid="voice-sentence">
          <p>{SENTENCE}</p>
        </blockquote>
      </figure>
      <div aria-live="polite">
        {phase === 'listening' && <p className="guidance">Listening… read the sentence now. ({secondsLeft} s left)</p>}
        {phase === 'checking' && <p>Checking…</p>}
        {phase === 'enrolled' && (
          <p className="notice ok" data-testid="voice-enrolled">
            Thank you. Vigil has learned your voice ({heard?.toFixed(1)} s of speech heard).
          </p>
        )}
        {phase === 'too-little' && (
          <div className="notice warn" data-testid="voice-too-little">
            <p>
              Vigil heard {heard?.toFixed(1)} s of speech and needs {needed} s. Try again, speaking a little louder or closer to the microphone, or continue without it: your report will say that your
              voice was not enrolled.
            </p>
          </div>
        )}
        {phase === 'no-microphone' && (
          <div className="notice warn" data-testid="voice-no-microphone">
            <p>Vigil cannot hear a microphone right now. You can continue without this step: your report will say that your voice was not enrolled.</p>
          </div>
        )}
      </div>
      <div className="actions" ref={actions}>
        {phase === 'idle' && (
          <button type="button" onClick={() => void listen()}>
            Start reading ({LISTEN_SECONDS} s)
          </button>
        )}
        {phase === 'listening' && (
          <button type="button" onClick={finishedReading}>
            I have finished reading
          </button>
        )}
        {(phase === 'too-little' || phase === 'no-microphone') && (
          <>
            <button type="button" className="secondary" onClick={() => void listen()}>
              Try again
            </button>
            <button type="button" onClick={() => void withoutVoice()}>
              Continue without voice enrolment
            </button>
          </>
        )}
        {phase === 'enrolled' && (
          <button type="button" onClick={next}>
            Continue
          </button>
        )}
      </div>
    </section>
  );
}
