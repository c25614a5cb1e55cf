import { useCallback, useState } from 'react';
import { TokenForm } from '../features/auth/components/token-form.tsx';
import { LiveSocketProvider } from '../lib/live-socket.tsx';
import { SessionProvider } from '../lib/session-context.tsx';
import { clearSession, loadSession, saveSession, type Session } from '../lib/session.ts';
import { AppProvider } from './provider.tsx';
import { DashboardRoute } from './routes/dashboard.tsx';

/** Signed in (a read token from the URL, the tab's storage or the form) or the token form. */
export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [notice, setNotice] = useState<string | undefined>();
  const signOut = useCallback((message?: string) => {
    clearSession();
    setSession(null);
    setNotice(message);
  }, []);
  if (!session) {
    return (
      <TokenForm
        notice={notice}
        onSubmit={(s) => {
          saveSession(s);
          setNotice(undefined);
          setSession(s);
        }}
      />
    );
  }
  return (
    <AppProvider
      key={session.token}
      onUnauthorized={() => signOut('The query API refused that token. Paste a valid read token.')}
    >
      <SessionProvider session={session}>
        <LiveSocketProvider>
          <DashboardRoute onSignOut={() => signOut()} />
        </LiveSocketProvider>
      </SessionProvider>
    </AppProvider>
  );
}
