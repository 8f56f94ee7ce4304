import { useCallback, useState } from "react";
import { DrawButtons } from "./components/DrawButtons";
import { DrawnItems } from "./components/DrawnItems";
import { ErrorAlert } from "./components/ErrorAlert";
import { HistoryList } from "./components/HistoryList";
import { InventoryTable } from "./components/InventoryTable";
import { SignInForm } from "./components/SignInForm";
import type { Session } from "./session";
import { useGacha } from "./use-gacha";

export function App() {
  // The token lives here, in memory only: a reload or Sign out forgets it.
  const [session, setSession] = useState<Session | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const signOut = useCallback((message: string | null = null) => {
    setSession(null);
    setNotice(message);
  }, []);
  return (
    <main>
      <h1>Gacha</h1>
      {session ? (
        // keyed by user: signing in as someone else starts from an empty page
        <Gacha key={session.userId} session={session} onSignOut={signOut} />
      ) : (
        <SignInForm
          notice={notice}
          onSignedIn={(s) => {
            setNotice(null);
            setSession(s);
          }}
        />
      )}
    </main>
  );
}

function Gacha({ session, onSignOut }: { session: Session; onSignOut: (message?: string | null) => void }) {
  const { state, drawItems, refresh, loadMore } = useGacha(session, onSignOut);
  return (
    <div aria-busy={state.busy}>
      <p className="signed-in">
        Signed in as <strong>{session.username}</strong> (user {session.userId}){" "}
        <button type="button" className="secondary" onClick={() => onSignOut()}>
          Sign out
        </button>
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void refresh();
        }}
      >
        <DrawButtons busy={state.busy} onDraw={(count) => void drawItems(count)} />
      </form>
      <ErrorAlert message={state.error} />
      <DrawnItems items={state.drawn} />
      <InventoryTable items={state.inventory} />
      <HistoryList history={state.history} busy={state.busy} onLoadMore={() => void loadMore()} />
    </div>
  );
}
