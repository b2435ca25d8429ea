// What `npm run demo` prints besides the proxy's banner and log lines: how the scripted mix
// went, and the exact lines that point the user's own client at the demo. Pure: lines out.
import { DECISION_LABELS } from '../contracts/decision';
import type { Totals } from '../contracts/stats';
import { DEMO_KEY, OPUS } from './traffic';

function money(value: number): string {
  return `${value < 0 ? '-' : ''}$${Math.abs(value).toFixed(4)}`;
}

/** "6 requests (3 Draft accepted, …): saved $0.0123 of $0.0456 without the cascade (27 %)". */
export function savingLine(totals: Totals): string {
  const kinds: Array<[string, number]> = [
    [DECISION_LABELS.accepted, totals.accepted],
    [DECISION_LABELS.escalated, totals.escalated],
    [DECISION_LABELS.draft_error, totals.draftErrors],
    [DECISION_LABELS.passthrough, totals.passthrough],
    [DECISION_LABELS.not_worth_drafting, totals.notWorthDrafting],
    [DECISION_LABELS.failed, totals.failed],
  ];
  const counts = kinds.filter(([, n]) => n > 0).map(([label, n]) => `${n} ${label.toLowerCase()}`);
  const share = totals.baselineCost > 0 ? ` (${Math.round((100 * totals.savings) / totals.baselineCost)} %)` : '';
  return `${totals.queries} request${totals.queries === 1 ? '' : 's'} (${counts.join(', ')}): saved ${money(totals.savings)} of ${money(totals.baselineCost)} without the cascade${share}`;
}

/** The lines to run the user's own client against the demo, for this platform's shell. */
export function clientLines(baseUrl: string, platform: NodeJS.Platform = process.platform): string[] {
  const prompt = 'Explain DNS in three sentences';
  const claude =
    platform === 'win32'
      ? `$env:ANTHROPIC_BASE_URL='${baseUrl}'; $env:ANTHROPIC_API_KEY='${DEMO_KEY}'; npx claude -p "${prompt}"`
      : `ANTHROPIC_BASE_URL=${baseUrl} ANTHROPIC_API_KEY=${DEMO_KEY} npx claude -p "${prompt}"`;
  const body = JSON.stringify({ model: OPUS, max_tokens: 512, messages: [{ role: 'user', content: prompt }] });
  return [
    `Point your own client at it (the simulator answers, so any key works; nothing is billed):`,
    `  Claude Code (run it in this folder: npx finds the Claude Code this project installed):`,
    `    ${claude}`,
    `  Node SDK (@anthropic-ai/sdk):`,
    `    const client = new Anthropic({ baseURL: '${baseUrl}', apiKey: '${DEMO_KEY}' });`,
    `  curl:`,
    `    curl ${baseUrl}/v1/messages -H 'x-api-key: ${DEMO_KEY}' -H 'anthropic-version: 2023-06-01' -H 'content-type: application/json' -d '${body}'`,
    `  Add a marker to steer the simulator: "${prompt} [sim:sonnet=refusal]" makes the draft refuse, so Opus answers.`,
  ];
}
