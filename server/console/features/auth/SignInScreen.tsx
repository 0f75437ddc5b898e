import { useState } from 'react';
import { useAuthStore } from './store';

/** Staff sign-in: Email and Password, submitted with Enter or the button. */
export function SignInScreen() {
  const { phase, message, signIn } = useAuthStore();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  return (
    <main>
      <h1>Vigil console</h1>
      <p className="subtitle">For invigilators, reviewers and administrators of your institution.</p>
      <form
        className="panel"
        aria-labelledby="sign-in-heading"
        onSubmit={(e) => {
          e.preventDefault();
          void signIn(email, password);
        }}
      >
        <h2 id="sign-in-heading">Sign in</h2>
        {message && (
          <p className="notice fail" role="alert" data-testid="sign-in-message">
            {message}
          </p>
        )}
        <label className="field">
          <span>Email</span>
          <input type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label className="field">
          <span>Password</span>
          <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        <div className="actions">
          <button type="submit" disabled={phase === 'signing-in'}>
            Sign in
          </button>
        </div>
      </form>
    </main>
  );
}
