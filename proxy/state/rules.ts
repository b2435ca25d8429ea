// The owner of the cascade rules: the list in the user's priority order, saved whole.
import { findRule } from '../rules/match';
import type { CascadeRule } from '../../contracts/rules';

export interface RulesOptions {
  /** Writes the saved list to the store. */
  persist(rules: CascadeRule[]): void;
  /** After a save, with a copy of the new list. */
  onChange(rules: CascadeRule[]): void;
}

export class RulesState {
  constructor(
    private rules: CascadeRule[],
    private readonly options: RulesOptions,
  ) {}

  /** A copy: editing it changes nothing until saved. */
  list(): CascadeRule[] {
    return structuredClone(this.rules);
  }

  /** `rules` is already valid (contracts/rules.ts); effective from the next match. */
  save(rules: CascadeRule[]): CascadeRule[] {
    this.rules = structuredClone(rules);
    this.options.persist(this.rules);
    this.options.onChange(this.list());
    return this.list();
  }

  /** A list another replica saved (teams): taken as it is, announced, not saved again. */
  replace(rules: CascadeRule[]): void {
    this.rules = structuredClone(rules);
    this.options.onChange(this.list());
  }

  /** The first enabled rule matching the model; null when paused or none matches. */
  match(model: string, paused: boolean): CascadeRule | null {
    return findRule(this.rules, model, paused);
  }
}
