import { useEffect } from 'react';
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
import { useFlowStore } from './store';

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
      {step !== 'policy' && <Progress step={step} />}
      {screen()}
    </>
  );
}
