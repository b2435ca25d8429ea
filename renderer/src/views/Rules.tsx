import { useEffect, useId, useRef, useState } from 'react';
import type { ControlApi } from '../../../contracts/control-api';
import type { RuleChecks, RuleDraftReach, RuleWarning } from '../../../contracts/rule-checks';
import type { ProxyStatus } from '../../../contracts/status';
import { draftAcceptanceRate, draftedRequests, type StatsSnapshot } from '../../../contracts/stats';
import type { CascadeRule } from '../../../contracts/rules';
import { ACTION_CLASSES, type DecisionRecord } from '../../../contracts/decision';
import type { QualityStats, RuleQuality } from '../../../contracts/quality';
import { belowTarget, ClassPolicy } from '../components/ClassPolicy';
import { ShadowSettings } from '../components/ShadowSettings';
import { RuleWarningNote } from '../components/RuleWarningNote';
import { ThresholdSlider, type ThresholdReach } from '../components/ThresholdSlider';
import { classOutcomes } from '../lib/classOutcomes';
import { ACTION_CLASS_LABELS, formatCount, formatMoney, formatPercent, knownCost, savingsRatio } from '../lib/format';
import { projectReach, sameThresholds, type ProjectedRule } from '../lib/projection';
import { blankRule, isComplete, moveRule, removeRule, RULE_FIELDS, ruleProblems, updateRule, type RuleField, type RuleUpdate } from '../lib/rules';
import { useRefreshed, type Refreshed } from '../state/useRefreshed';

/** How long the slider rests before its value is saved. */
const SAVE_DELAY_MS = 300;

type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'error'; message: string };

const FIELD_LABELS: Record<RuleField, string> = {
  match: 'Requested model (exact id or pattern with *)',
  draftModel: 'Draft model',
  verifierModel: 'Verifier model (empty: the requested model)',
};
const FIELD_PLACEHOLDERS: Record<RuleField, string> = {
  match: 'claude-sonnet-4*',
  draftModel: 'claude-haiku-4-5',
  verifierModel: 'the requested model',
};

/** A field's text as typed (a rule's missing verifier is an empty field). */
const fieldText = (rule: CascadeRule, field: RuleField) => rule[field] ?? '';

/**
 * Add or edit a rule. A field's problem shows once the field was left or the form submitted,
 * never before anything is typed; the proxy's warnings about a saved field show beside it while
 * it still holds the saved value, their suggestion one click away.
 */
function RuleEditor({
  rule,
  models,
  warnings,
  onSave,
  onCancel,
}: {
  rule: CascadeRule;
  /** Known model ids, offered as suggestions. */
  models: readonly string[];
  warnings: readonly RuleWarning[];
  onSave: (rule: CascadeRule) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState(rule);
  const [touched, setTouched] = useState<ReadonlySet<RuleField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const problems = ruleProblems(draft);
  const listId = useId();
  const set = (field: RuleField, value: string) => setDraft({ ...draft, [field]: value });
  return (
    <form
      className="rule-editor"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setSubmitted(true);
        if (isComplete(draft))
          onSave({ ...draft, match: draft.match.trim(), draftModel: draft.draftModel.trim(), verifierModel: draft.verifierModel?.trim() || null });
      }}
    >
      <datalist id={listId}>
        {models.map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>
      {RULE_FIELDS.map((field) => {
        const problem = submitted || touched.has(field) ? problems[field] : undefined;
        const unchanged = fieldText(draft, field) === fieldText(rule, field);
        return (
          <div className="field" key={field}>
            <label htmlFor={`${listId}-${field}`}>{FIELD_LABELS[field]}</label>
            <input
              id={`${listId}-${field}`}
              list={listId}
              value={fieldText(draft, field)}
              placeholder={FIELD_PLACEHOLDERS[field]}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? `${listId}-${field}-error` : undefined}
              onChange={(e) => set(field, e.currentTarget.value)}
              onBlur={() => setTouched(new Set(touched).add(field))}
            />
            {problem ? (
              <small className="field-error" id={`${listId}-${field}-error`}>
                {problem}
              </small>
            ) : null}
            {unchanged
              ? warnings.filter((w) => w.field === field).map((w) => <RuleWarningNote key={w.kind} warning={w} onFix={(id) => set(field, id)} />)
              : null}
          </div>
        );
      })}
      <div className="row">
        <button type="submit">Save rule</button>
        <button type="button" className="button-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function RuleCard({
  rule,
  index,
  count,
  stats,
  quality,
  decisions,
  models,
  warnings,
  reach,
  onEdit,
  onMove,
  onDelete,
}: {
  rule: CascadeRule;
  index: number;
  count: number;
  stats: StatsSnapshot;
  /** The proxy's measurements for this rule; value null while unknown. */
  quality: Refreshed<RuleQuality>;
  decisions: readonly DecisionRecord[];
  models: readonly string[];
  /** What the proxy says is wrong with the saved rule. */
  warnings: readonly RuleWarning[];
  /** The proxy's measure of the rule's recent drafts, for the settings it was measured under; null while unknown. */
  reach: { rule: ProjectedRule; reach: RuleDraftReach } | null;
  onEdit: (update: RuleUpdate) => void;
  onMove: (offset: -1 | 1) => void;
  onDelete: () => void;
}) {
  const [threshold, setThreshold] = useState(rule.threshold);
  const [editing, setEditing] = useState(rule.match === '');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pendingSave = useRef<() => void>(() => undefined);

  // Follow the saved value (e.g. changed in another window) unless a drag is pending.
  useEffect(() => {
    if (timer.current === null) setThreshold(rule.threshold);
  }, [rule.threshold]);
  // Leaving the view right after a drag still saves it.
  useEffect(
    () => () => {
      if (timer.current === null) return;
      clearTimeout(timer.current);
      pendingSave.current();
    },
    [],
  );

  function onSlide(value: number) {
    setThreshold(value);
    if (timer.current) clearTimeout(timer.current);
    pendingSave.current = () => {
      timer.current = null;
      onEdit((r) => ({ ...r, threshold: value }));
    };
    timer.current = setTimeout(pendingSave.current, SAVE_DELAY_MS);
  }

  const totals = stats.byRule[rule.id];
  // The rule as the slider shows it: per-class defaults follow the drag before it is saved.
  const shown = { ...rule, threshold };
  // The proxy's measure while it is of these thresholds; during a drag (or until it is measured
  // again) the same count over the drafts this page holds, when it holds any.
  const projected = projectReach(decisions, shown);
  const thresholdReach: ThresholdReach | null =
    reach && sameThresholds(reach.rule, shown)
      ? { ...reach.reach, projected: false }
      : projected.drafts > 0
        ? { ...projected, projected: true }
        : null;
  const fieldWarnings = warnings.filter((w) => w.field !== 'threshold');
  const savings = totals ? knownCost(totals.savings, totals.queries, totals.unpricedQueries) : null;
  const outcomes = classOutcomes(decisions, rule.id);
  const measured = quality.value;
  const below = ACTION_CLASSES.filter((c) => belowTarget(measured?.classes[c]));

  return (
    <li className={`panel rule-card${rule.enabled ? '' : ' rule-disabled'}`} data-testid={`rule-${rule.id}`}>
      <div className="rule-head">
        <span className="rule-priority" title="Priority: the first matching rule wins">
          {index + 1}
        </span>
        <p className="rule-path">
          <code>{rule.match || '…'}</code>
          <span aria-label="drafted by"> → </span>
          <code>{rule.draftModel || '…'}</code>
          <span aria-label="verified by"> → </span>
          <code>{rule.verifierModel ?? 'requested model'}</code>
        </p>
        <label className="switch">
          <input
            type="checkbox"
            checked={rule.enabled}
            onChange={(e) => {
              const enabled = e.currentTarget.checked;
              onEdit((r) => ({ ...r, enabled }));
            }}
          />
          Enabled
        </label>
      </div>

      {editing ? null : (
        <div className="rule-warnings">
          {fieldWarnings.map((w) => (
            <RuleWarningNote key={`${w.field}-${w.kind}`} warning={w} onFix={(id) => onEdit((r) => ({ ...r, [w.field]: id }))} />
          ))}
        </div>
      )}

      {editing ? (
        <RuleEditor
          rule={rule}
          models={models}
          warnings={fieldWarnings}
          onSave={(edited) => {
            setEditing(false);
            onEdit((r) => ({ ...r, match: edited.match, draftModel: edited.draftModel, verifierModel: edited.verifierModel, threshold }));
          }}
          onCancel={() => (rule.match === '' ? onDelete() : setEditing(false))}
        />
      ) : null}

      <ThresholdSlider
        value={threshold}
        onChange={onSlide}
        label={`Threshold for ${rule.match}`}
        reach={thresholdReach}
        warnings={warnings.filter((w) => w.field === 'threshold')}
      />

      <dl className="rule-stats">
        <div>
          <dt>Draft acceptance</dt>
          <dd data-testid="rule-acceptance">
            {totals ? formatPercent(draftAcceptanceRate(totals)) : '—'}
            <small> of {formatCount(totals ? draftedRequests(totals) : 0)} drafted requests</small>
          </dd>
        </div>
        <div>
          <dt>Saved</dt>
          <dd className={savings !== null && savings < 0 ? 'negative' : undefined} data-testid="rule-savings">
            {totals ? formatMoney(savings) : '—'}
            <small> {formatPercent(savingsRatio(savings, totals ? totals.baselineCost : null))}</small>
          </dd>
        </div>
      </dl>

      {below.length > 0 ? (
        <p className="note note-bad" data-testid="below-target">
          {below.map((c) => ACTION_CLASS_LABELS[c]).join(', ')} drafts are below your agreement target: see the suggested
          threshold under “Per action class”.
        </p>
      ) : null}
      {quality.error ? <p className="note note-bad">Measured quality is not available: {quality.error}</p> : null}
      <details className="class-policies" data-testid="class-policies">
        <summary>Per action class: thresholds, unverified drafts, measured quality</summary>
        {ACTION_CLASSES.map((c) => (
          <ClassPolicy key={c} rule={shown} actionClass={c} quality={measured?.classes[c] ?? null} outcome={outcomes[c]} onEdit={onEdit} />
        ))}
      </details>
      <ShadowSettings rule={rule} quality={measured} onEdit={onEdit} />

      <div className="row rule-actions">
        <button type="button" className="button-small" disabled={index === 0} onClick={() => onMove(-1)} aria-label={`Move ${rule.match} up`}>
          ↑
        </button>
        <button type="button" className="button-small" disabled={index === count - 1} onClick={() => onMove(1)} aria-label={`Move ${rule.match} down`}>
          ↓
        </button>
        {editing ? null : (
          <button type="button" className="button-small" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
        {confirmDelete ? (
          <>
            <button type="button" className="button-small button-danger" onClick={onDelete}>
              Delete rule
            </button>
            <button type="button" className="button-small button-quiet" onClick={() => setConfirmDelete(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" className="button-small button-quiet" onClick={() => setConfirmDelete(true)}>
            Delete…
          </button>
        )}
      </div>
    </li>
  );
}

export function Rules({
  api,
  rules,
  stats,
  status,
  decisions,
}: {
  api: ControlApi;
  rules: CascadeRule[];
  stats: StatsSnapshot;
  /** Carries the proxy's current rule warnings, live. */
  status: ProxyStatus;
  decisions: readonly DecisionRecord[];
}) {
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  // A new rule lives only here until it is complete enough to save.
  const [unsaved, setUnsaved] = useState<CascadeRule | null>(null);
  // The list the next edit builds on: the proxy's latest, or a save still on its way.
  const latest = useRef(rules);
  const received = useRef(rules);
  const inFlight = useRef(0);
  // What the cards show while saves are on their way (and until the proxy's next list arrives), so
  // a toggled checkbox stays as clicked instead of waiting for the round trip.
  const [pending, setPending] = useState<CascadeRule[] | null>(null);
  // The lists the proxy sent (as JSON) since the last save went out: whether that save's own list
  // already came back, and so whether one sent after it (another window's change) is newer.
  const sinceSent = useRef<string[]>([]);
  if (received.current !== rules) {
    received.current = rules;
    if (inFlight.current > 0) sinceSent.current.push(JSON.stringify(rules));
    else {
      latest.current = rules;
      if (pending) setPending(null);
    }
  }

  // Measurements change with every request (stats events) and with the rules' targets.
  const quality = useRefreshed<QualityStats>(() => api.qualityStats(), [api, stats, rules]);

  // Rule checks change with the rules, the upstream's model list (status events) and each judged
  // draft (stats events); kept with the rules they were measured under.
  const checks = useRefreshed<{ rules: CascadeRule[]; checks: RuleChecks }>(
    () => api.getRuleChecks().then((answer) => ({ rules, checks: answer })),
    [api, rules, status, stats],
  );
  const models = checks.value?.checks.models.map((m) => m.id) ?? [];
  // Status events carry the current warnings as soon as they change; the checks until the first one.
  const warnings = status.ruleWarnings ?? checks.value?.checks.warnings ?? [];
  function reachOf(id: string) {
    const measured = checks.value?.rules.find((r) => r.id === id);
    const reach = checks.value?.checks.reach.find((r) => r.ruleId === id);
    return measured && reach ? { rule: measured, reach } : null;
  }

  async function persist(next: CascadeRule[]) {
    setSave({ kind: 'saving' });
    latest.current = next;
    setPending(next);
    inFlight.current += 1;
    sinceSent.current = [];
    try {
      const saved = await api.saveRules(next);
      if (--inFlight.current === 0) {
        // The proxy sends the saved list before it answers, so it has usually come back already,
        // and whatever came after it is newer than this answer.
        const back = sinceSent.current.includes(JSON.stringify(saved));
        latest.current = back ? received.current : saved;
        setPending(back ? null : saved);
      }
      setSave({ kind: 'saved' });
    } catch (error) {
      if (--inFlight.current === 0) {
        latest.current = received.current;
        setPending(null);
      }
      setSave({ kind: 'error', message: (error as Error).message });
    }
  }

  const saved = pending ?? rules;
  const shown = unsaved ? [...saved, unsaved] : saved;
  return (
    <div className="view rules">
      <p className="muted">
        The first enabled rule that matches the requested model applies. A draft is accepted when the quality checker's
        confidence reaches the threshold of its action class (reads sit below the slider unless set per class); changes
        apply to the next request.
      </p>
      <p className="muted">
        Shadow verification answers a sample of accepted drafts again with the verifier, in the background after the client
        has its answer, and compares the two: it measures agreement on your own requests. Its cost counts in your totals.
      </p>
      <ol className="rule-list">
        {shown.map((rule, index) => (
          <RuleCard
            key={rule.id}
            rule={rule}
            index={index}
            count={shown.length}
            stats={stats}
            decisions={decisions}
            models={models}
            warnings={warnings.filter((w) => w.ruleId === rule.id)}
            reach={reachOf(rule.id)}
            quality={{ value: quality.value?.byRule[rule.id] ?? null, error: quality.error }}
            onEdit={(update) => {
              if (rule.id !== unsaved?.id) return void persist(updateRule(latest.current, rule.id, update));
              const edited = update(unsaved);
              if (!isComplete(edited)) setUnsaved(edited);
              else {
                setUnsaved(null);
                void persist([...latest.current, edited]);
              }
            }}
            onMove={(offset) => void persist(moveRule(latest.current, rule.id, offset))}
            onDelete={() => (rule.id === unsaved?.id ? setUnsaved(null) : void persist(removeRule(latest.current, rule.id)))}
          />
        ))}
      </ol>
      {saved.length === 0 && !unsaved ? <p className="note">No rules: every request passes through unchanged.</p> : null}
      {checks.value?.checks.upstreamModelsError ? (
        <p className="note" data-testid="upstream-models-error">
          Model ids are checked against the price table only: {checks.value.checks.upstreamModelsError}
        </p>
      ) : null}
      {checks.error ? <p className="note note-bad">Rule checks are not available: {checks.error}</p> : null}
      <div className="row">
        <button type="button" onClick={() => setUnsaved(blankRule())} disabled={unsaved !== null}>
          Add rule
        </button>
        <span className={`save-state save-${save.kind}`} role="status" data-testid="rules-save-state">
          {save.kind === 'saving' ? 'Saving…' : save.kind === 'saved' ? 'Saved' : save.kind === 'error' ? `Not saved: ${save.message}` : ''}
        </span>
      </div>
    </div>
  );
}
