// Why the settings owner refused a change, as a domain fact: the control API maps the reason
// to what its caller sees (an HTTP status, an IPC rejection); state knows nothing of transports.

export type SettingsErrorReason =
  /** The field (or the API key) is set by an environment variable. */
  | 'locked_by_env'
  /** The settings do not fit their schema. */
  | 'invalid'
  /** The upstream URL points at this proxy itself. */
  | 'self_upstream';

export class SettingsError extends Error {
  constructor(
    readonly reason: SettingsErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'SettingsError';
  }
}
