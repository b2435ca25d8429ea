// A rule's threshold slider, with what the value means for the rule's recent drafts: how many
// pass and the highest confidence reached, and a warning when none passes (every request the
// rule matches would then pay for a draft and for the requested model).
//
// The range stays 0.50–0.95 rather than following the highest confidence reached: drafts with
// supporting evidence reach 0.9 and above, a range that moved with traffic would move under the
// thumb and shift the presets, and a threshold no draft reaches yet is better shown by a warning
// next to the value than by a range that hides it.
import { useId } from 'react';
import type { RuleWarning } from '../../../contracts/rule-checks';
import { THRESHOLD_MAX, THRESHOLD_MIN, THRESHOLD_PRESETS, THRESHOLD_STEP, clampThreshold, thresholdLabel } from '../lib/projection';

/** The rule's recent drafts against the value shown. */
export interface ThresholdReach {
  drafts: number;
  passing: number;
  /** The highest confidence among them; null without drafts. */
  highest: number | null;
  /** Worked out for a value not saved yet (while dragging), rather than measured by the proxy. */
  projected: boolean;
}

/** The highest threshold at or below `highest` that the slider can take; null when below its range. */
function reachableThreshold(highest: number): number | null {
  const floor = Math.floor(highest * 100 + 1e-9) / 100;
  return floor < THRESHOLD_MIN ? null : Math.min(floor, THRESHOLD_MAX);
}

function ReachLine({ value, reach }: { value: number; reach: ThresholdReach }) {
  if (reach.drafts === 0) return <>No recent drafts to measure {value.toFixed(2)} against yet.</>;
  const highest = reach.highest === null ? '' : ` (highest ${reach.highest.toFixed(2)})`;
  return (
    <>
      At {value.toFixed(2)}: {reach.passing} of {reach.drafts} recent drafts {reach.projected ? 'would pass' : 'pass'}
      {highest}
    </>
  );
}

export function ThresholdSlider({
  value,
  onChange,
  label,
  reach,
  warnings = [],
}: {
  value: number;
  onChange: (value: number) => void;
  label: string;
  /** null while unknown. */
  reach: ThresholdReach | null;
  /** What the proxy says about the saved threshold (threshold_unreachable). */
  warnings?: readonly RuleWarning[];
}) {
  const id = useId();
  const noneReach = reach !== null && reach.drafts > 0 && reach.passing === 0;
  // The proxy's words are about the saved value; while dragging, only the projection speaks.
  const proxySays = reach?.projected ? [] : warnings;
  const fix = noneReach && reach.highest !== null ? reachableThreshold(reach.highest) : null;
  return (
    <div className="threshold">
      <label htmlFor={id}>
        Threshold <output htmlFor={id}>{value.toFixed(2)}</output> <span className="muted">({thresholdLabel(value)})</span>
      </label>
      <input
        id={id}
        type="range"
        aria-label={label}
        aria-describedby={`${id}-reach`}
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
      <p className="threshold-reach muted" id={`${id}-reach`} data-testid="threshold-reach">
        {reach ? <ReachLine value={value} reach={reach} /> : null}
      </p>
      {noneReach || proxySays.length > 0 ? (
        <p className="note note-bad" data-testid="threshold-warning">
          {proxySays.length > 0
            ? proxySays.map((w) => w.message).join(' ')
            : `No recent draft reaches ${value.toFixed(2)}: every request this rule drafts for pays for the draft and then for the requested model.`}
          {fix !== null && fix !== value ? (
            <>
              {' '}
              <button type="button" className="button-small" onClick={() => onChange(fix)}>
                Set {fix.toFixed(2)}, the highest reached
              </button>
            </>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}
