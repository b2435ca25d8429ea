// An in-memory ControlApi for component tests: records every call, emits events on demand.
import type { ControlApi, ControlEvent, PublicSettings, StatsSnapshot } from '../../../proxy/control/api';
import type { CascadeRule, DecisionRecord } from '../../../proxy/types';
import * as fixtures from './fixtures';

export class MemoryControlApi implements ControlApi {
  readonly calls: Array<{ method: string; args: unknown[] }> = [];
  private listeners = new Set<(event: ControlEvent) => void>();

  constructor(
    public rules: CascadeRule[] = [fixtures.rule()],
    public decisions: DecisionRecord[] = [],
    public stats: StatsSnapshot = fixtures.stats(),
    public settings: PublicSettings = fixtures.settings(),
    public status = fixtures.status(),
  ) {}

  private log(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }

  callsTo(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  emit(event: ControlEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  async getStatus() {
    return this.status;
  }
  async getStats() {
    return this.stats;
  }
  async getDecisions(query: { limit?: number; decision?: DecisionRecord['decision'] } = {}) {
    this.log('getDecisions', query);
    return this.decisions.filter((d) => !query.decision || d.decision === query.decision).slice(0, query.limit);
  }
  async getRules() {
    return this.rules;
  }
  async saveRules(rules: CascadeRule[]) {
    this.log('saveRules', rules);
    this.rules = rules;
    this.emit({ type: 'rules', rules });
    return rules;
  }
  async getSettings() {
    return this.settings;
  }
  async updateSettings(patch: Partial<PublicSettings>) {
    this.log('updateSettings', patch);
    this.settings = { ...this.settings, ...patch };
    this.emit({ type: 'settings', settings: this.settings });
    return this.settings;
  }
  async setApiKey(key: string | null) {
    this.log('setApiKey', key);
    this.settings = { ...this.settings, apiKeySet: key !== null };
    return this.settings;
  }
  subscribe(listener: (event: ControlEvent) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
