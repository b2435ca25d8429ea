// Settings' "Limits per API key" (settings.keyLimits): limits on each client's own Anthropic key
// for requests that come without a client token. The fields show the saved limits and follow the
// settings event (a change made elsewhere replaces them, unless it left keyLimits as it was); a
// field's problem shows once it was left or the form submitted, judged by the contract's schema.
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { ControlApi } from '../../../contracts/control-api';
import { keyLimitsSchema, type KeyLimits as KeyLimitsShape } from '../../../contracts/settings';
import { useAction } from '../state/useAction';
import { limitOf, limitsText } from './ClientTokens';
import { ErrorNote } from './ErrorNote';

type Field = keyof KeyLimitsShape;

const FIELDS: Array<{ key: Field; label: string }> = [
  { key: 'requestsPerMinute', label: 'Requests per minute' },
  { key: 'concurrentStreams', label: 'Streams at once' },
];

/** What a field accepts, in words, from the schema's own bounds (it sets a maximum for each). */
function boundsText(field: Field): string {
  return `a whole number from 1 to ${keyLimitsSchema.shape[field].unwrap().maxValue!.toLocaleString('en-US')}, or empty for no limit`;
}

const textOf = (limits: KeyLimitsShape): Record<Field, string> => ({
  requestsPerMinute: limits.requestsPerMinute?.toString() ?? '',
  concurrentStreams: limits.concurrentStreams?.toString() ?? '',
});

export function KeyLimits({ limits, api }: { limits: KeyLimitsShape; api: ControlApi }) {
  const id = useId();
  const [text, setText] = useState(() => textOf(limits));
  const [touched, setTouched] = useState<ReadonlySet<Field>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const { error, busy, run } = useAction();
  // Every settings event carries a new object: reset the fields only when the saved limits changed.
  const saved = JSON.stringify(limits);
  useEffect(() => {
    setText(textOf(JSON.parse(saved) as KeyLimitsShape));
    setTouched(new Set());
    setSubmitted(false);
  }, [saved]);

  const parsed = keyLimitsSchema.safeParse({ requestsPerMinute: limitOf(text.requestsPerMinute), concurrentStreams: limitOf(text.concurrentStreams) });
  const wrong = new Set(parsed.error?.issues.map((issue) => issue.path[0] as Field));
  const changed = parsed.success && JSON.stringify(parsed.data) !== saved;

  function onSave(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (parsed.success) void run(() => api.updateSettings({ keyLimits: parsed.data }));
  }

  return (
    <section className="panel" aria-labelledby={`${id}-title`} data-testid="key-limits">
      <h2 id={`${id}-title`}>Limits per API key</h2>
      <p className="muted">
        For requests without a client token: each client’s Anthropic key is counted by its hash, never stored. A daily
        spend cap needs a client token.
      </p>
      <p data-testid="key-limits-now">Now: {limitsText(limits)}.</p>
      <form className="token-form" noValidate onSubmit={onSave} aria-label="Limits per API key">
        {FIELDS.map(({ key, label }) => {
          const problem = (submitted || touched.has(key)) && wrong.has(key) ? boundsText(key) : null;
          return (
            <div className="field" key={key}>
              <label htmlFor={`${id}-${key}`}>{label}</label>
              <input
                id={`${id}-${key}`}
                type="number"
                min={1}
                step={1}
                value={text[key]}
                placeholder="no limit"
                aria-invalid={problem ? true : undefined}
                aria-describedby={problem ? `${id}-${key}-error` : undefined}
                onChange={(e) => setText({ ...text, [key]: e.currentTarget.value })}
                onBlur={() => setTouched(new Set(touched).add(key))}
              />
              {problem ? (
                <small className="field-error" id={`${id}-${key}-error`}>
                  {problem}
                </small>
              ) : null}
            </div>
          );
        })}
        <button type="submit" disabled={busy || (parsed.success && !changed)}>
          Save limits
        </button>
      </form>
      <ErrorNote error={error} />
    </section>
  );
}
