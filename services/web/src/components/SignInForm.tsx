import { useState } from "react";
import { login, register } from "../api";
import type { Session } from "../session";
import { ErrorAlert } from "./ErrorAlert";

/** Sign in, or sign up (create the account, then sign in) with the same two fields. */
export function SignInForm({ onSignedIn, notice }: { onSignedIn: (session: Session) => void; notice?: string | null }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (signUp: boolean) => {
    setBusy(true);
    setError(null);
    try {
      if (signUp) await register(username, password);
      onSignedIn(await login(username, password));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <form
      aria-label="Sign in"
      aria-busy={busy}
      onSubmit={(e) => {
        e.preventDefault();
        void run(false);
      }}
    >
      {notice ? <p className="notice">{notice}</p> : null}
      <div className="field">
        <label htmlFor="username">Username</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => void run(true)}>
          Sign up
        </button>
      </div>
      <ErrorAlert message={error} />
    </form>
  );
}
