// A failed action's message, announced to screen readers; nothing when there is none.
export function ErrorNote({ error }: { error: string | null }) {
  return error ? (
    <p className="note note-bad" role="alert">
      {error}
    </p>
  ) : null;
}
