import { HealthScreen } from './features/health/HealthScreen';

/** The candidate app's root. The exam flow (consent, system check, identity, calibration, exam) lands here. */
export function App() {
  return <HealthScreen />;
}
