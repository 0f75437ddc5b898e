import { useEffect, useRef } from 'react';
import { subscribe } from '../../lib/ipc-client';
import { CalibrationScreen } from '../calibration/CalibrationScreen';
import { ConsentScreen } from '../consent/ConsentScreen';
import { ExamScreen } from '../exam/ExamScreen';
import { FinishScreen } from '../finish/FinishScreen';
import { IdentityScreen } from '../identity/IdentityScreen';
import { PolicyScreen } from '../policy/PolicyScreen';
import { SystemCheckScreen } from '../system-check/SystemCheckScreen';
import { VoiceScreen } from '../voice/VoiceScreen';
import { ENGINE_DOWN } from './problems';
import { ProblemScreen } from './ProblemScreen';
import { Progress } from './Progress';
import { STEPS, STEP_TITLES, useFlowStore } from './store';

/** The candidate's exam, one screen per step; any step can stop on a problem screen that says what to do. */
export function ExamFlow() {
  const { step, policy, problem, fail } = useFlowStore();
  useEffect(
    () =>
      subscribe('engine.status', (status) => {
        if (status.status === 'down') fail({ ...ENGINE_DOWN, what: `The Vigil engine stopped (${status.detail ?? 'no detail'}).` });
      }),
    [fail],
  );
  // A new step replaces the screen (and the button that led there): the focus goes to its heading, and a polite
  // live region says where the candidate now is, so keyboard and screen-reader users follow without a mouse.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = document.querySelector<HTMLElement>('main section h2');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }, [step, problem]);
  const shown = STEPS.filter((s) => s !== 'policy');
  const announcement = problem ? `Problem: ${problem.title}` : step === 'policy' ? '' : `Step ${shown.indexOf(step as (typeof shown)[number]) + 1} of ${shown.length}: ${STEP_TITLES[step]}`;
  const screen = () => {
    if (problem) return <ProblemScreen problem={problem} />;
    if (step === 'policy' || !policy) return <PolicyScreen />;
    switch (step) {
      case 'consent':
        return <ConsentScreen policy={policy} />;
      case 'system':
        return <SystemCheckScreen />;
      case 'identity':
        return <IdentityScreen policy={policy} />;
      case 'voice':
        return <VoiceScreen policy={policy} />;
      case 'calibration':
        return <CalibrationScreen policy={policy} />;
      case 'exam':
        return <ExamScreen policy={policy} />;
      case 'finish':
        return <FinishScreen />;
    }
  };
  return (
    <>
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
        {announcement}
      </p>
      {step !== 'policy' && <Progress step={step} />}
      {screen()}
    </>
  );
}
