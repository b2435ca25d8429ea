// Replays a dataset through the production checker and prices every call with the
// issue's cost model: tokens = characters / 4, draft $1 / $5 per MTok in / out,
// verifier the same times the price ratio.
import { checkQuality } from '../../proxy/quality';
import type { QualitySignal } from '../../contracts/decision';
import { promptChars, replayInput, type Row } from './dataset';
import { baseline, oracleSummary, randomSummary, summarize, type Baseline, type ScoredRow, type Summary } from './metrics';

export const DRAFT_PRICE = { input: 1, output: 5 }; // $ per million tokens
const CHARS_PER_TOKEN = 4;

export interface ReplayedRow extends ScoredRow {
  id: string;
  signals: QualitySignal[];
}

export interface FileReport {
  file: string;
  priceRatio: number;
  baseline: Baseline;
  checker: Summary;
  random: Summary;
  oracle: Summary;
}

function callCost(inputChars: number, outputChars: number, ratio: number): number {
  return ((inputChars / CHARS_PER_TOKEN) * DRAFT_PRICE.input + (outputChars / CHARS_PER_TOKEN) * DRAFT_PRICE.output) * ratio / 1e6;
}

export function replayRows(rows: Row[], priceRatio: number): ReplayedRow[] {
  return rows.map((row) => {
    const { request, draft } = replayInput(row);
    const { confidence, signals } = checkQuality(request, draft);
    const input = promptChars(row);
    return {
      id: row.id,
      confidence,
      signals,
      draftQuality: row.draft.quality,
      verifierQuality: row.verifier.quality,
      draftCost: callCost(input, row.draft.text.length, 1),
      verifierCost: callCost(input, row.verifier.text.length, priceRatio),
    };
  });
}

export function report(file: string, rows: ReplayedRow[], priceRatio: number): FileReport {
  return {
    file,
    priceRatio,
    baseline: baseline(rows),
    checker: summarize(rows),
    random: randomSummary(rows),
    oracle: oracleSummary(rows),
  };
}
