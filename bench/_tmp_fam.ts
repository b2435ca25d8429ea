import { readFileSync } from 'node:fs';
import { buildContext } from '../proxy/quality/context';
import { draftMessage, requestFor } from '../proxy/quality/messages';
import { truncation } from '../proxy/quality/truncation';
import { refusal } from '../proxy/quality/refusal';
import { hedging } from '../proxy/quality/hedging';
import { length } from '../proxy/quality/length';
import { repetition } from '../proxy/quality/repetition';
import { relevance } from '../proxy/quality/relevance';
import { toolUse } from '../proxy/quality/tools';
import { code } from '../proxy/quality/code';
import { arithmetic, equationsOf } from '../proxy/quality/arithmetic';
import { finalAnswer } from '../proxy/quality/final-answer';
import { numericQuestion } from '../proxy/quality/numbers';
import { checkQuality } from '../proxy/quality';
const rows = readFileSync('/work/shared/eval/gsm8k-mixtral-gpt4.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const cases = rows.flatMap((r) => [r.draft.text, r.verifier.text].map((t: string) => ({ req: requestFor(r.messages), d: draftMessage(t) }))).filter((c) => ((c.d.content[0] as any).text.length >= 900 && (c.d.content[0] as any).text.length <= 2000));
const checks: Record<string, any> = { equations: equationsOf, numericQ: numericQuestion, truncation, refusal, hedging, length, repetition, relevance, toolUse, code, arithmetic, finalAnswer };
const res: string[] = [];
for (const [name, check] of Object.entries(checks)) {
  let best = Infinity;
  for (let k = 0; k < 60; k++) {
    const ctxs = cases.map((c) => buildContext(c.req, c.d, false, undefined));
    if (name !== 'equations' && name !== 'numericQ') for (const ctx of ctxs) { equationsOf(ctx); numericQuestion(ctx); }
    const t0 = process.hrtime.bigint();
    for (const ctx of ctxs) check(ctx);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1000 / cases.length);
  }
  res.push(`${name} ${best.toFixed(1)}`);
}
let best = Infinity;
for (let k = 0; k < 60; k++) { const t0 = process.hrtime.bigint(); for (const c of cases) checkQuality(c.req, c.d); best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1000 / cases.length); }
res.push(`TOTAL ${best.toFixed(1)}`);
console.log(res.join(' | '));
