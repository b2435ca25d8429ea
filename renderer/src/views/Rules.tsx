import { useEffect, useMemo, useRef, useState } from 'react';
import type { ControlApi } from '../../../contracts/control-api';
import type { StatsSnapshot } from '../../../contracts/stats';
import type { CascadeRule } from '../../../contracts/rules';
import { ACTION_CLASSES, type DecisionRecord } from '../../../contracts/decision';
import type { QualityStats, RuleQuality } from '../../../contracts/quality';
import { belowTarget, ClassPolicy } from '../components/ClassPolicy';
import { ShadowSettings } from '../components/ShadowSettings';
import { ThresholdSlider } from '../components/ThresholdSlider';
import { classOutcomes } from '../lib/classOutcomes';
import { ACTION_CLASS_LABELS, acceptanceRate, formatCount, formatMoney, formatPercent, knownCost, savingsRatio } from '../lib/format';
import { projectAcceptance } from '../lib/projection';
import { blankRule, moveRule, removeRule, ruleProblems, updateRule, type RuleUpdate } from '../lib/rules';
import { useRefreshed, type Refreshed } from '../state/useRefreshed';

/** How long the slider rests before its value is saved. */
const SAVE_DELAY_MS = 300;

type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'error'; message: string };

function RuleEditor({
  rule,
  models,
  onSave,
  onCancel,
}: {
  rule: CascadeRule;
  models: string[];
  onSave: (rule: CascadeRule) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState(rule);
  const problems = ruleProblems(draft);
  const listId = `models-${rule.id}`;
  return (
    <form
      className="rule-editor"
      onSubmit={(e) => {
        e.preventDefault();
        if (problems.length === 0)
          onSave({ ...draft, match: draft.match.trim(), draftModel: draft.draftModel.trim(), verifierModel: draft.verifierModel?.trim() || null });
      }}
    >
      <datalist id={listId}>
        {models.map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>
      <label>
        Requested model (exact id or pattern with *)
        <input list={listId} value={draft.match} placeholder="claude-sonnet-4*" onChange={(e) => setDraft({ ...draft, match: e.currentTarget.value })} />
      </label>
      <label>
        Draft model
        <input list={listId} value={draft.draftModel} placeholder="claude-haiku-4-5" onChange={(e) => setDraft({ ...draft, draftModel: e.currentTarget.value })} />
      </label>
      <label>
        Verifier model (empty: the requested model)
        <input
          list={listId}
          value={draft.verifierModel ?? ''}
          placeholder="the requested model"
          onChange={(e) => setDraft({ ...draft, verifierModel: e.currentTarget.value })}
        />
      </label>
      {problems.map((p) => (
        <p key={p} className="field-error">
          {p}
        </p>
      ))}
      <div className="row">
        <button type="submit" disabled={problems.length > 0}>
          Save rule
        </button>
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
  models: string[];
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
  const now = projectAcceptance(decisions, rule);
  const projected = projectAcceptance(decisions, shown);
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

      {editing ? (
        <RuleEditor
          rule={rule}
          models={models}
          onSave={(edited) => {
            setEditing(false);
            onEdit((r) => ({ ...r, match: edited.match, draftModel: edited.draftModel, verifierModel: edited.verifierModel, threshold }));
          }}
          onCancel={() => (rule.match === '' ? onDelete() : setEditing(false))}
        />
      ) : null}

      <ThresholdSlider value={threshold} onChange={onSlide} label={`Threshold for ${rule.match}`} />

      <dl className="rule-stats">
        <div>
          <dt>Accepted</dt>
          <dd data-testid="rule-acceptance">
            {totals ? formatPercent(acceptanceRate(totals)) : '—'}
            <small> of {formatCount(totals ? totals.accepted + totals.escalated + totals.draftErrors : 0)} drafts</small>
          </dd>
        </div>
        <div>
          <dt>Saved</dt>
          <dd className={savings !== null && savings < 0 ? 'negative' : undefined} data-testid="rule-savings">
            {totals ? formatMoney(savings) : '—'}
            <small> {formatPercent(savingsRatio(savings, totals ? totals.baselineCost : null))}</small>
          </dd>
        </div>
        <div>
          <dt>At {threshold.toFixed(2)}</dt>
          <dd data-testid="projected-acceptance">
            {formatPercent(projected.rate)}
            <small>
              {projected.attempts > 0
                ? ` of the last ${projected.attempts} drafts would pass${
                    threshold === rule.threshold ? '' : ` (${formatPercent(now.rate)} at ${rule.threshold.toFixed(2)})`
                  }`
                : ' no recent drafts to project from'}
            </small>
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
  decisions,
}: {
  api: ControlApi;
  rules: CascadeRule[];
  stats: StatsSnapshot;
  decisions: readonly DecisionRecord[];
}) {
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  // A new rule lives only here until it is complete enough to save.
  const [unsaved, setUnsaved] = useState<CascadeRule | null>(null);
  // The list the next edit builds on: the proxy's latest, or a save still on its way.
  const latest = useRef(rules);
  const received = useRef(rules);
  const inFlight = useRef(0);
  if (received.current !== rules) {
    received.current = rules;
    if (inFlight.current === 0) latest.current = rules;
  }

  // Measurements change with every request (stats events) and with the rules' targets.
  const quality = useRefreshed<QualityStats>(() => api.qualityStats(), [api, stats, rules]);

  const models = useMemo(() => {
    const names = new Set<string>();
    for (const model of Object.keys(stats.prices)) names.add(model);
    for (const model of Object.keys(stats.allTime.modelsUsed)) names.add(model);
    return [...names].sort();
  }, [stats]);

  async function persist(next: CascadeRule[]) {
    setSave({ kind: 'saving' });
    latest.current = next;
    inFlight.current += 1;
    try {
      const saved = await api.saveRules(next);
      if (--inFlight.current === 0) latest.current = saved;
      setSave({ kind: 'saved' });
    } catch (error) {
      if (--inFlight.current === 0) latest.current = received.current;
      setSave({ kind: 'error', message: (error as Error).message });
    }
  }

  const shown = unsaved ? [...rules, unsaved] : rules;
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
            quality={{ value: quality.value?.byRule[rule.id] ?? null, error: quality.error }}
            onEdit={(update) => {
              if (rule.id !== unsaved?.id) return void persist(updateRule(latest.current, rule.id, update));
              const edited = update(unsaved);
              if (ruleProblems(edited).length > 0) setUnsaved(edited);
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
      {rules.length === 0 && !unsaved ? <p className="note">No rules: every request passes through unchanged.</p> : null}
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
