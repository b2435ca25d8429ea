// A proxy beyond loopback (or started with CASCADEFLOW_ADMIN_TOKEN) answers /api with 401 until
// the page sends its admin token: asked for here when the page was opened without the link that
// carries it. The token goes to sessionStorage only, never into the address bar.
import { useState } from 'react';
import type { AdminTokenSlot } from '../client/transport';

export function AdminTokenForm({ slot, onSubmit }: { slot: AdminTokenSlot; onSubmit: () => void }) {
  const [value, setValue] = useState('');
  // Shown again after a 401 although a token was sent: that token is not this proxy's.
  const refused = slot.current() !== null;
  return (
    <section className="panel" aria-labelledby="token-title">
      <h2 id="token-title">Admin token</h2>
      <p>This proxy needs its admin token (printed when it started).</p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          const token = value.trim();
          if (!token) return;
          slot.set(token);
          onSubmit();
        }}
      >
        <input
          type="password"
          autoComplete="off"
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          aria-label="Admin token"
        />
        <button type="submit" disabled={value.trim() === ''}>
          Open dashboard
        </button>
      </form>
      {refused ? (
        <p className="note note-bad" data-testid="token-refused">
          The proxy refused that token: use the one it printed when it started.
        </p>
      ) : null}
      <p className="muted">It is kept for this tab only, until the tab closes.</p>
    </section>
  );
}
