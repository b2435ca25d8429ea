// The shared fixtures parse as the contracts they stand for, with no field the contracts lack,
// so proxy and renderer tests cannot drift from the shapes the real code exchanges.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decisionRecordSchema } from '../contracts/decision';
import { ruleSchema } from '../contracts/rules';
import { publicSettingsSchema } from '../contracts/settings';
import { statsSnapshotSchema, totalsSchema } from '../contracts/stats';
import { proxyStatusSchema } from '../contracts/status';
import { decisionRecord, rule, settings, stats, status, totals } from './fixtures/contracts';

const exact = {
  decisionRecord: [z.strictObject(decisionRecordSchema.shape), decisionRecord()],
  rule: [ruleSchema, rule()],
  totals: [z.strictObject(totalsSchema.shape), totals()],
  stats: [z.strictObject(statsSnapshotSchema.shape), stats()],
  status: [z.strictObject(proxyStatusSchema.shape), status()],
  settings: [z.strictObject(publicSettingsSchema.shape), settings()],
} as const;

describe('shared fixtures', () => {
  it.each(Object.entries(exact))('%s matches its contract exactly', (_, [schema, value]) => {
    expect((schema as z.ZodType).parse(value)).toEqual(value);
  });
});
