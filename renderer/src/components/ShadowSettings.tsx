// A rule's shadow verification: the share of accepted drafts the verifier answers again in the
// background to measure agreement, what that costs at recent traffic, and the agreement the user
// wants per class (below it, each class says so and suggests a threshold).
import type { RuleQuality } from '../../../contracts/quality';
import type { CascadeRule } from '../../../contracts/rules';
import { formatMoney, formatPercent } from '../lib/format';
import { withOptional, type RuleUpdate } from '../lib/rules';
import { NumberField } from './NumberField';

/** What sampling at the rule's rate costs, from what its accepted drafts would have cost the verifier lately. */
function samplingCost(rate: number, quality: RuleQuality | null): string {
  if (quality === null) return 'What sampling costs is not known yet.';
  const full = quality.sampleCostPerDay;
  if (full === 0) return 'No accepted drafts in the last 7 days to estimate its cost from.';
  if (rate === 0) return `Off. Checking every accepted draft would cost about ${formatMoney(full)}/day at recent traffic.`;
  return `At recent traffic this costs about ${formatMoney(rate * full)}/day (every accepted draft: ${formatMoney(full)}/day).`;
}

export function ShadowSettings({ rule, quality, onEdit }: { rule: CascadeRule; quality: RuleQuality | null; onEdit: (update: RuleUpdate) => void }) {
  const rate = rule.shadowRate ?? 0;
  return (
    <section className="shadow-settings" aria-label={`Shadow verification for ${rule.match}`} data-testid="shadow-settings">
      <h4>Shadow verification</h4>
      <div className="class-controls">
        <NumberField
          label="Sample rate"
          value={rate}
          scale={100}
          min={0}
          max={100}
          step={1}
          suffix="%"
          onCommit={(value) => onEdit((r) => withOptional(r, 'shadowRate', value ? value : undefined))}
        />
        <NumberField
          label="Target agreement"
          value={rule.targetAgreement ?? null}
          scale={100}
          min={0}
          max={100}
          step={1}
          suffix="%"
          emptyMeans="no target"
          onCommit={(value) => onEdit((r) => withOptional(r, 'targetAgreement', value ?? undefined))}
        />
      </div>
      <p data-testid="shadow-cost">{samplingCost(rate, quality)}</p>
      {rule.targetAgreement !== undefined && rate === 0 ? (
        <p className="note">
          A target of {formatPercent(rule.targetAgreement, 0)} is measured only on sampled drafts: set a sample rate above 0 %.
        </p>
      ) : null}
    </section>
  );
}
