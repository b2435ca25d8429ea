// stats.json: the aggregates over every decision ever (see file-store.ts). A day of minute
// buckets makes it ~200 KB, too much to serialise in one go on the event loop, so a flush
// copies the numbers (cheap) and serialises the copy a few hundred buckets at a time.
import { z } from 'zod';
import { statsDataSchema, type StatsData } from '../stats/aggregates';
import { copySpendingData, spendingJsonPieces } from '../stats/spending';

export const statsFileSchema = z.object({
  version: z.literal(1),
  /** The last appended record these aggregates count; null: none. */
  lastRecordId: z.string().nullable(),
  /** The last amendment line (decisions.jsonl) these aggregates count; absent: none. */
  lastAmendSeq: z.number().int().nonnegative().optional(),
  stats: statsDataSchema,
});
export type StatsFile = z.infer<typeof statsFileSchema>;

/** A copy that later appends do not change: the totals are small, the buckets flat. */
export function copyStats(stats: StatsData): StatsData {
  const { history, spending, ...totals } = stats;
  return {
    ...structuredClone(totals),
    history: { minute: history.minute.map((b) => ({ ...b })), hour: history.hour.map((b) => ({ ...b })), day: history.day.map((b) => ({ ...b })) },
    spending: copySpendingData(spending),
  };
}

/** The file's JSON text, one bucket (or conversation, or project) per piece. */
export function* statsFilePieces({ stats, lastRecordId, lastAmendSeq }: StatsFile): Generator<string> {
  const { history, spending, ...totals } = stats;
  const head = JSON.stringify(totals);
  const seq = lastAmendSeq === undefined ? '' : `"lastAmendSeq":${lastAmendSeq},`;
  yield `{"version":1,"lastRecordId":${JSON.stringify(lastRecordId)},${seq}"stats":${head.slice(0, -1)},"history":{`;
  for (const key of ['minute', 'hour', 'day'] as const) {
    yield `${key === 'minute' ? '' : ','}"${key}":[`;
    for (let i = 0; i < history[key].length; i++) yield `${i ? ',' : ''}${JSON.stringify(history[key][i])}`;
    yield ']';
  }
  yield '},"spending":';
  yield* spendingJsonPieces(spending);
  yield '}}\n';
}
