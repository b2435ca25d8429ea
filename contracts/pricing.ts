import { z } from 'zod';

/** US dollars per million tokens. */
export const modelPriceSchema = z.strictObject({
  input: z.number().finite().nonnegative(),
  output: z.number().finite().nonnegative(),
  cacheWrite5m: z.number().finite().nonnegative(),
  cacheWrite1h: z.number().finite().nonnegative(),
  cacheRead: z.number().finite().nonnegative(),
});
export type ModelPrice = z.infer<typeof modelPriceSchema>;
