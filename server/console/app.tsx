import { useEffect, useState, type ReactNode } from 'react';
import { SignInScreen } from './features/auth/SignInScreen';
import { SCREENS, useAuthStore } from './features/auth/store';
import { ExamScreen } from './features/exams/ExamScreen';
import { ExamsScreen } from './features/exams/ExamsScreen';
import { MonitorScreen } from './features/monitor/MonitorScreen';
import { ExamReviewScreen } from './features/review/ExamReviewScreen';
import { ReviewScreen } from './features/review/ReviewScreen';
import { StatsScreen } from './features/stats/StatsScreen';

type Route = { screen: string; id?: string };

/** `#/exams`, `#/exams/:id`, `#/exams/:id/monitor|review|stats`, `#/sessions/:id/review`. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'exams' && parts[1]) return { screen: parts[2] ?? 'exam', id: parts[1] };
  if (parts[0] === 'sessions' && parts[1]) return { screen: 'session-review', id: parts[1] };
  return { screen: 'exams' };
}

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

function Screen({ route }: { route: Route }): ReactNode {
  const id = route.id ?? '';
  switch (route.screen) {
    case 'exam':
      return <ExamScreen examId={id} />;
    case 'monitor':
      return <MonitorScreen examId={id} />;
    case 'review':
      return <ExamReviewScreen examId={id} />;
    case 'session-review':
      return <ReviewScreen sessionId={id} />;
    case 'stats':
      return <StatsScreen examId={id} />;
    default:
      return <ExamsScreen />;
  }
}

export function App() {
  const { phase, user, restore, signOut } = useAuthStore();
  const route = parseRoute(useHash());
  useEffect(() => void restore(), [restore]);
  if (phase === 'checking') return <main aria-busy="true">Loading…</main>;
  if (phase !== 'signed-in' || !user) return <SignInScreen />;
  // Review of one session is part of the review screens.
  const allowed = SCREENS[user.role].includes(route.screen === 'session-review' ? 'review' : route.screen);
  return (
    <>
      <header className="topbar">
        <a href="#/exams" className="brand">
          Vigil console
        </a>
        <span>
          {user.email} ({user.role})
        </span>
        <button type="button" className="secondary small" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main className="wide">
        {allowed ? (
          <Screen route={route} />
        ) : (
          <>
            <h1>Not for your role</h1>
            <p className="notice fail" role="alert" data-testid="not-allowed">
              This screen is not open to a {user.role}. <a href="#/exams">Back to your exams</a>
            </p>
          </>
        )}
      </main>
    </>
  );
}
