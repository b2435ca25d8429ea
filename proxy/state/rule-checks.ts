// The owner of what is wrong with the rules (contracts/rule-checks.ts): each rule's models
// against the model catalog, a run of its draft calls refused as not found, and its last judged
// drafts against its thresholds. Fed every record by the decision sink (cheap: only the record's
// rule is looked at again), rebuilt from the store's recent records at start, told when rules
// are saved and when the catalog changes. Warnings never stop a save: the user may know a model
// the upstream does not list yet. `onChange` fires when a warning appears or clears (not when only
// its numbers move), so status events stay rare while getStatus always reads the latest words;
// warnings are worded when read, a record only updates counts.
import type { CallRecord, DecisionRecord } from '../../contracts/decision';
import type { KnownModel, RuleChecks, RuleWarning } from '../../contracts/rule-checks';
import { thresholdFor, type CascadeRule } from '../../contracts/rules';
import {
  draftReach,
  MIN_DRAFTS_FOR_REACH,
  modelWarnings,
  notFoundWarning,
  reachWarning,
  type JudgedDraft,
  type ModelKnowledge,
} from '../rules/checks';
import type { DecisionStore } from '../store/decision-store';

/** Judged drafts kept per rule. */
export const REACH_WINDOW = 200;

/** Records of a rule read back at start to rebuild its drafts and its not-found run. */
const RELOAD_LIMIT = 1_000;

export interface RuleChecksOptions {
  rules: CascadeRule[];
  /** `wanted`: the upstream's list is needed (a model the price table does not know). */
  models: ModelKnowledge & { known(): KnownModel[]; wanted(): Promise<void> };
  /** A warning appeared or cleared. */
  onChange(): void;
}

interface RuleHistory {
  /** The draft model the history belongs to: a new one starts afresh. */
  draftModel: string;
  /** Oldest first, at most REACH_WINDOW. */
  drafts: JudgedDraft[];
  /** Of those, how many reach their class's threshold under the rule as it is now (kept as they come and go). */
  passing: number;
  /** The current run of draft calls refused as not found. */
  refused?: { model: string; streak: number };
}

function refusedAsNotFound(call: CallRecord): boolean {
  return call.status === 404 || (call.failure?.message.includes('not_found_error') ?? false);
}

const passes = (rule: CascadeRule, draft: JudgedDraft) => draft.confidence >= thresholdFor(rule, draft.actionClass);

/** Which draft warnings the history calls for: O(1), so a record costs no more than a few comparisons. */
function draftFlags(rule: CascadeRule, history: RuleHistory | undefined): string {
  if (!history) return '';
  const unreachable = history.drafts.length >= MIN_DRAFTS_FOR_REACH && history.passing === 0;
  return `${notFoundWarning(rule, history.refused) ? 'n' : ''}${unreachable ? 'u' : ''}`;
}

/** Identity of a warning for "did the set change": its numbers may move without an event. */
const warningKey = (w: RuleWarning) => `${w.ruleId}\u0000${w.kind}\u0000${w.field}\u0000${w.suggestion ?? ''}`;

export class RuleChecksState {
  private rules = new Map<string, CascadeRule>();
  private readonly history = new Map<string, RuleHistory>();
  private readonly modelWarnings = new Map<string, RuleWarning[]>();
  private signature = '';

  constructor(private readonly options: RuleChecksOptions) {
    this.setRules(options.rules);
    this.signature = this.currentSignature();
  }

  /** The current warnings, in rule order, worded with the latest numbers. */
  warnings(): RuleWarning[] {
    return [...this.rules.values()].flatMap((rule) => {
      const history = this.history.get(rule.id);
      const drafts = history ? [notFoundWarning(rule, history.refused), reachWarning(rule, history.drafts)] : [];
      return [...(this.modelWarnings.get(rule.id) ?? []), ...drafts.filter((w) => w !== null)];
    });
  }

  current(): RuleChecks {
    const reach = [...this.rules.values()].map((rule) => draftReach(rule, this.history.get(rule.id)?.drafts ?? []));
    return { warnings: this.warnings(), reach, models: this.options.models.known(), upstreamModelsError: this.options.models.listError() };
  }

  /** A finished request (the decision sink, once per record). */
  observe(record: DecisionRecord): void {
    if (this.take(record)) this.notifyIfChanged();
  }

  /** The store's recent records of each rule, oldest first per rule, read back once at start. */
  async load(store: Pick<DecisionStore, 'query'>): Promise<void> {
    for (const id of this.rules.keys()) {
      const records = await store.query({ ruleId: id, limit: RELOAD_LIMIT });
      for (let i = records.length - 1; i >= 0; i--) this.take(records[i]);
    }
    this.notifyIfChanged();
  }

  /** Rules were saved: a rule whose draft model changed, or that is gone, starts afresh. */
  rulesChanged(rules: CascadeRule[]): void {
    this.setRules(rules);
    this.notifyIfChanged();
  }

  /** The catalog's ids or its list's availability changed. */
  modelsChanged(): void {
    this.checkModels();
    this.notifyIfChanged();
  }

  /** Statistics were reset: the drafts and refusals are forgotten. The reset sends the status event. */
  forgetDrafts(): void {
    this.history.clear();
    this.signature = this.currentSignature();
  }

  private setRules(rules: CascadeRule[]): void {
    this.rules = new Map(rules.map((rule) => [rule.id, rule]));
    for (const [id, history] of this.history) {
      const rule = this.rules.get(id);
      if (rule?.draftModel !== history.draftModel) this.history.delete(id);
      // Thresholds may have moved: the same drafts, counted again.
      else history.passing = history.drafts.filter((draft) => passes(rule, draft)).length;
    }
    this.checkModels();
  }

  /** An unknown model asks for the upstream's list: it tells unlisted from not listed yet, and suggests. */
  private checkModels(): void {
    this.modelWarnings.clear();
    for (const rule of this.rules.values()) this.modelWarnings.set(rule.id, modelWarnings(rule, this.options.models));
    if ([...this.modelWarnings.values()].some((warnings) => warnings.length > 0)) void this.options.models.wanted();
  }

  /** Counts the record for its rule; true when that rule's draft warnings may have appeared or cleared. */
  private take(record: DecisionRecord): boolean {
    const rule = record.ruleId === null ? undefined : this.rules.get(record.ruleId);
    if (!rule) return false;
    let history = this.history.get(rule.id);
    if (!history || history.draftModel !== rule.draftModel) {
      history = { draftModel: rule.draftModel, drafts: [], passing: 0 };
      this.history.set(rule.id, history);
    }
    const before = draftFlags(rule, history);
    const { draft } = record;
    if (draft && refusedAsNotFound(draft)) {
      const streak = history.refused?.model === draft.model ? history.refused.streak + 1 : 1;
      history.refused = { model: draft.model, streak };
    } else if (draft && draft.status >= 200 && draft.status < 300) {
      history.refused = undefined;
    }
    if (record.confidence !== null && record.actionClass) {
      const judged = { confidence: record.confidence, actionClass: record.actionClass };
      history.drafts.push(judged);
      if (passes(rule, judged)) history.passing++;
      const dropped = history.drafts.length > REACH_WINDOW ? history.drafts.shift() : undefined;
      if (dropped && passes(rule, dropped)) history.passing--;
    }
    return draftFlags(rule, history) !== before;
  }

  private currentSignature(): string {
    return this.warnings().map(warningKey).join('\n');
  }

  private notifyIfChanged(): void {
    const signature = this.currentSignature();
    if (signature === this.signature) return;
    this.signature = signature;
    this.options.onChange();
  }
}
