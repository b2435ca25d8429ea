// Live events from the proxy to every UI (SSE for the web dashboard, IPC for the desktop window).
import { z } from 'zod';
import { decisionAmendSchema, decisionRecordSchema } from './decision';
import { rulesSchema } from './rules';
import { publicSettingsSchema } from './settings';
import { statsSnapshotSchema } from './stats';
import { proxyStatusSchema } from './status';

export const controlEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('decision'), record: decisionRecordSchema }),
  /** A record already sent changed: an accepted draft later failed, or was shadow-verified. */
  z.object({ type: z.literal('amend'), amend: decisionAmendSchema }),
  z.object({ type: z.literal('stats'), stats: statsSnapshotSchema }),
  z.object({ type: z.literal('status'), status: proxyStatusSchema }),
  z.object({ type: z.literal('rules'), rules: rulesSchema }),
  z.object({ type: z.literal('settings'), settings: publicSettingsSchema }),
]);
export type ControlEvent = z.infer<typeof controlEventSchema>;
export type ControlEventType = ControlEvent['type'];

export type Unsubscribe = () => void;
