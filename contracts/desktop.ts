// The desktop shell's own contract: actions only the tray app can take (the web dashboard
// shows snippets instead), and the bridge the preload exposes as `window.cascadeflow`.
import { z } from 'zod';
import { controlMethods, type ApiOf, type ControlApi, type MethodContract } from './control-api';
import { publicSettingsSchema } from './settings';

export const claudeCodeStateSchema = z.object({
  settingsPath: z.string(),
  /** ANTHROPIC_BASE_URL in ~/.claude/settings.json points at this proxy. */
  configured: z.boolean(),
  /** The value currently there, if any (it may point elsewhere). */
  baseUrl: z.string().nullable(),
  /** The file exists but is not valid JSON: the app refuses to touch it. */
  error: z.string().nullable(),
  /** Claude Code's status line; absent where the app cannot install one (its command is not built). */
  statusLine: z
    .object({
      /** `statusLine` runs this app's `cascadeflow statusline` (savings of the session and today). */
      installed: z.boolean(),
      /** The command there now, if any: the user's own (kept, and put back on removal) or the app's. */
      command: z.string().nullable(),
    })
    .optional(),
});
export type ClaudeCodeState = z.infer<typeof claudeCodeStateSchema>;

export const claudeCodeOptionsSchema = z.strictObject({
  /** Also install (true) or remove (false) the status line; absent: leave it as it is. */
  statusLine: z.boolean().optional(),
});
export type ClaudeCodeOptions = z.infer<typeof claudeCodeOptionsSchema>;

/** The desktop app's demo (npm run demo's runner in the main process), on its own temporary data. */
export const demoSessionSchema = z.object({
  /** The demo proxy's base URL on loopback, for the user's own client. */
  baseUrl: z.string(),
  /** Its dashboard (the app's own window keeps showing the real proxy). */
  dashboardUrl: z.string(),
  /** The default browser was asked to open the dashboard; false: the UI shows the URL instead. */
  opened: z.boolean(),
});
export type DemoSession = z.infer<typeof demoSessionSchema>;

export const desktopMethods = {
  getClaudeCodeState: { args: z.tuple([]), result: claudeCodeStateSchema },
  configureClaudeCode: { args: z.tuple([claudeCodeOptionsSchema.optional()]), result: claudeCodeStateSchema },
  removeClaudeCode: { args: z.tuple([]), result: claudeCodeStateSchema },
  copyBaseUrl: { args: z.tuple([]), result: z.string() },
  setStartAtLogin: { args: z.tuple([z.boolean()]), result: publicSettingsSchema },
  /** Starts the demo (or finds it running) and opens its dashboard in the default browser. */
  startDemo: { args: z.tuple([]), result: demoSessionSchema },
  /** Stops the demo and removes its temporary data; the app stops it on quit too. */
  stopDemo: { args: z.tuple([]), result: z.null() },
} as const satisfies Record<string, MethodContract>;

export type DesktopApi = ApiOf<typeof desktopMethods>;

/** What the preload exposes as `window.cascadeflow`: one method per action. */
export type CascadeflowBridge = ControlApi & DesktopApi;

/** Every bridge method answered over IPC (all but `subscribe`). */
export const bridgeMethods = { ...controlMethods, ...desktopMethods };
export type BridgeMethod = keyof typeof bridgeMethods;
