// A number typed by hand and committed once: on Enter or when the field loses focus, never on
// each keystroke (a half-typed "0." is not a setting). Values may be shown scaled (a share as a
// percentage); out-of-range or malformed text is not committed, and flagged once the user tried
// to commit it (not while still typing).
import { useEffect, useId, useState } from 'react';

export function NumberField({
  label,
  value,
  onCommit,
  min,
  max,
  step,
  scale = 1,
  emptyMeans,
  disabled = false,
  suffix,
}: {
  label: string;
  /** The saved value (unscaled); null: empty. */
  value: number | null;
  onCommit: (value: number | null) => void;
  /** Bounds and step of the shown (scaled) value. */
  min: number;
  max: number;
  step: number;
  /** Shown = value × scale (100 for a share in percent). */
  scale?: number;
  /** The field may be emptied; this says what empty means (e.g. "no target"). */
  emptyMeans?: string;
  disabled?: boolean;
  suffix?: string;
}) {
  const id = useId();
  const shown = (v: number | null) => (v === null ? '' : String(Math.round(v * scale * 1e6) / 1e6));
  const [text, setText] = useState(shown(value));
  const [tried, setTried] = useState(false);
  // A saved value that changes elsewhere replaces what is shown.
  useEffect(() => {
    setText(shown(value));
    setTried(false);
  }, [value, scale]);

  const trimmed = text.trim();
  const parsed = trimmed === '' ? null : Number(trimmed);
  const valid = parsed === null ? emptyMeans !== undefined : Number.isFinite(parsed) && parsed >= min && parsed <= max;

  const flagged = tried && !valid;

  function commit() {
    setTried(true);
    if (!valid || trimmed === shown(value)) return;
    onCommit(parsed === null ? null : parsed / scale);
  }

  return (
    <div className="number-field">
      <label htmlFor={id}>{label}</label>
      <span className="number-input">
        <input
          id={id}
          type="number"
          inputMode="decimal"
          min={min}
          max={max}
          step={step}
          value={text}
          disabled={disabled}
          placeholder={emptyMeans}
          aria-invalid={flagged}
          onChange={(e) => {
            setText(e.currentTarget.value);
            setTried(false);
          }}
          onBlur={commit}
          onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), commit())}
        />
        {suffix ? <span className="muted">{suffix}</span> : null}
      </span>
      {flagged ? (
        <small className="field-error">
          {min}–{max}
          {emptyMeans ? `, or empty for ${emptyMeans}` : ''}
        </small>
      ) : null}
    </div>
  );
}
