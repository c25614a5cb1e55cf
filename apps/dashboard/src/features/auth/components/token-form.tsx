import { useState, type FormEvent } from 'react';
import { sessionFromToken, type Session } from '../../../lib/session.ts';

/** Asks for a read token when the URL carried none (or it was refused). */
export function TokenForm({
  onSubmit,
  notice,
}: {
  onSubmit: (session: Session) => void;
  notice?: string;
}) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const session = sessionFromToken(token);
    if (!session) {
      setError('That is not a read token: expected a JWT whose payload names a project.');
      return;
    }
    onSubmit(session);
  };
  return (
    <main className="token-page">
      <form className="token-form panel" onSubmit={submit} data-testid="token-form">
        <h1>Core Web Vitals</h1>
        <p>
          Paste a project's read token. <code>npm start</code> prints a dashboard link that carries
          one; <code>npx rum project create</code> prints one for a new project.
        </p>
        {notice ? <p className="state-error">{notice}</p> : null}
        <label>
          <span>Read token</span>
          <textarea
            value={token}
            onChange={(e) => setToken(e.target.value)}
            rows={4}
            spellCheck={false}
            autoFocus
            required
            data-testid="token-input"
          />
        </label>
        {error ? (
          <p className="state-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary">
          Open dashboard
        </button>
      </form>
    </main>
  );
}
