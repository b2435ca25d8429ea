// One action class of a rule, advanced: its own threshold (derived from the rule's slider unless
// set), whether unverified drafts are accepted (the contract's default unless chosen), and next to
// them what those choices did: acceptance in the recent log; from the proxy's measurements, what
// accepting or escalating unverified drafts did, later failures, shadow agreement and, below the
// user's target, the threshold that would meet it.
import { describeAgreement, describeLaterFailed, describeTarget, describeUnverified, type ClassQuality } from '../../../contracts/quality';
import { type ActionClass } from '../../../contracts/decision';
import { acceptsUnverified, READ_THRESHOLD_OFFSET, thresholdFor, UNVERIFIED_DEFAULTS, type CascadeRule } from '../../../contracts/rules';
import type { ClassOutcome } from '../lib/classOutcomes';
import { ACTION_CLASS_HINTS, ACTION_CLASS_LABELS, formatCount, formatPercent } from '../lib/format';
import { withAcceptUnverified, withClassThreshold, type RuleUpdate } from '../lib/rules';
import { NumberField } from './NumberField';

/** The class's measured agreement is below the target the user set. */
export function belowTarget(quality: ClassQuality | null | undefined): boolean {
  return !!quality && quality.target !== null && quality.shadow.rate !== null && quality.shadow.rate < quality.target;
}

export function ClassPolicy({
  rule,
  actionClass,
  quality,
  outcome,
  onEdit,
}: {
  /** The rule as shown: the slider's value may not be saved yet. */
  rule: CascadeRule;
  actionClass: ActionClass;
  /** Null: not measured (loading, or the proxy could not say). */
  quality: ClassQuality | null;
  outcome: ClassOutcome;
  onEdit: (update: RuleUpdate) => void;
}) {
  const label = ACTION_CLASS_LABELS[actionClass];
  const threshold = thresholdFor(rule, actionClass);
  const own = rule.classThresholds?.[actionClass];
  const derived = thresholdFor({ threshold: rule.threshold }, actionClass);
  const accepts = acceptsUnverified(rule, actionClass);
  const chosen = rule.acceptUnverified?.[actionClass];
  const target = quality ? describeTarget(quality, threshold) : null;
  const suggestion = quality?.suggestion;
  const suggested = suggestion && suggestion.kind !== 'not_enough_samples' && Math.abs(suggestion.threshold - threshold) > 1e-9 ? suggestion.threshold : null;
  const below = belowTarget(quality);

  return (
    <section className="class-policy" data-testid={`class-${actionClass}`} aria-label={`${label} drafts`}>
      <h4>
        {label} <small className="muted">{ACTION_CLASS_HINTS[actionClass]}</small>
      </h4>
      <div className="class-controls">
        <div>
          <NumberField
            label={`${label} threshold`}
            value={threshold}
            min={0}
            max={1}
            step={0.01}
            onCommit={(value) => value !== null && onEdit((r) => withClassThreshold(r, actionClass, value))}
          />
          {own === undefined ? (
            <small className="muted" data-testid="threshold-origin">
              default: {actionClass === 'read' ? `the slider's ${rule.threshold.toFixed(2)} − ${READ_THRESHOLD_OFFSET}` : 'the slider'}
            </small>
          ) : (
            <small data-testid="threshold-origin">
              own value{' '}
              <button type="button" className="button-small button-quiet" onClick={() => onEdit((r) => withClassThreshold(r, actionClass, undefined))}>
                Reset to {derived.toFixed(2)}
              </button>
            </small>
          )}
        </div>
        <div>
          <label className="switch">
            <input
              type="checkbox"
              checked={accepts}
              onChange={(e) => {
                const accept = e.currentTarget.checked;
                onEdit((r) => withAcceptUnverified(r, actionClass, accept));
              }}
            />
            Accept unverified {actionClass} drafts
          </label>
          {chosen === undefined ? (
            <small className="muted" data-testid="unverified-origin">
              default ({UNVERIFIED_DEFAULTS[actionClass] ? 'accepted' : 'escalated: waits for evidence'})
            </small>
          ) : (
            <small data-testid="unverified-origin">
              your choice{' '}
              <button type="button" className="button-small button-quiet" onClick={() => onEdit((r) => withAcceptUnverified(r, actionClass, undefined))}>
                Reset to default ({UNVERIFIED_DEFAULTS[actionClass] ? 'accept' : 'escalate'})
              </button>
            </small>
          )}
        </div>
      </div>
      <ul className="class-outcomes">
        <li data-testid="class-acceptance">
          {outcome.drafts > 0
            ? `Recent log: ${formatCount(outcome.accepted)} of ${formatCount(outcome.drafts)} ${actionClass} drafts accepted (${formatPercent(outcome.accepted / outcome.drafts)})`
            : `No ${actionClass} drafts in the recent log.`}
          {quality ? ` · ${describeLaterFailed(quality, actionClass)}.` : ''}
        </li>
        {quality ? <li data-testid="class-unverified">{describeUnverified(quality.unverified, actionClass)}</li> : null}
        {quality ? <li data-testid="class-agreement">{describeAgreement(quality.shadow)}</li> : null}
        {target ? (
          <li className={below ? 'note note-bad' : undefined} data-testid="class-target" role={below ? 'alert' : undefined}>
            {target}{' '}
            {suggested !== null ? (
              <button type="button" className="button-small" onClick={() => onEdit((r) => withClassThreshold(r, actionClass, suggested))}>
                Use {suggested.toFixed(2)} for {actionClass}
              </button>
            ) : null}
          </li>
        ) : null}
      </ul>
    </section>
  );
}
