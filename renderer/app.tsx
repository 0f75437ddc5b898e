import { useEffect, useState } from 'react';
import { ExamFlow } from './features/flow/ExamFlow';
import { useFlowStore } from './features/flow/store';
import { HealthScreen } from './features/health/HealthScreen';
import { ExamBanner } from './features/policy/ExamBanner';
import { usePolicyStore } from './features/policy/store';
import { SettingsScreen } from './features/settings/SettingsScreen';

type View = 'exam' | 'health' | 'settings';

function viewOf(hash: string): View {
  return hash === '#/health' ? 'health' : hash === '#/settings' ? 'settings' : 'exam';
}

/** The candidate app's root: the exam flow, with the system status and the open exam's settings (read-only) beside it. */
export function App() {
  const [view, setView] = useState<View>(() => viewOf(location.hash));
  const step = useFlowStore((s) => s.step);
  // The exam being opened (policy screen) or in progress: the banner shows from the moment it is opened.
  const opened = usePolicyStore((s) => s.result?.exam);
  const exam = useFlowStore((s) => s.exam) ?? opened;
  useEffect(() => {
    const onHash = () => setView(viewOf(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  if (view === 'health') return <HealthScreen />;
  const examRunning = step === 'calibration' || step === 'exam' || step === 'finish';
  return (
    <main className={view === 'exam' && step === 'exam' ? 'wide' : undefined}>
      <h1>Vigil</h1>
      <ExamBanner exam={exam} />
      {view === 'settings' ? <SettingsScreen /> : <ExamFlow />}
      {!examRunning && (
        <footer>
          <nav aria-label="More">
            {view === 'settings' ? <a href="#/">Back to the exam</a> : <a href="#/settings">Exam settings</a>} · <a href="#/health">System status</a>
          </nav>
        </footer>
      )}
    </main>
  );
}
