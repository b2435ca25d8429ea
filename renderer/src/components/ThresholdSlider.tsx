import { useId } from 'react';
import { clampThreshold, THRESHOLD_MAX, THRESHOLD_MIN, THRESHOLD_PRESETS, THRESHOLD_STEP, thresholdLabel } from '../lib/projection';

export function ThresholdSlider({
  value,
  onChange,
  label,
}: {
  value: number;
  onChange: (value: number) => void;
  label: string;
}) {
  const id = useId();
  return (
    <div className="threshold">
      <label htmlFor={id}>
        Threshold <output htmlFor={id}>{value.toFixed(2)}</output> <span className="muted">({thresholdLabel(value)})</span>
      </label>
      <input
        id={id}
        type="range"
        aria-label={label}
        min={THRESHOLD_MIN}
        max={THRESHOLD_MAX}
        step={THRESHOLD_STEP}
        value={value}
        list={`${id}-presets`}
        onChange={(e) => onChange(clampThreshold(Number(e.currentTarget.value)))}
      />
      <datalist id={`${id}-presets`}>
        {THRESHOLD_PRESETS.map((p) => (
          <option key={p.value} value={p.value} label={p.label} />
        ))}
      </datalist>
      <div className="threshold-scale" aria-hidden="true">
        {THRESHOLD_PRESETS.map((p) => (
          <button
            key={p.value}
            type="button"
            tabIndex={-1}
            style={{ left: `${((p.value - THRESHOLD_MIN) / (THRESHOLD_MAX - THRESHOLD_MIN)) * 100}%` }}
            onClick={() => onChange(p.value)}
          >
            {p.label}
            <br />
            {p.value}
          </button>
        ))}
      </div>
    </div>
  );
}
