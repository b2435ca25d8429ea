// The owner of the proxy's status: what the server lifecycle reports (starting, running,
// error, stopped) and the warnings every UI shows, combined with the settings it depends on,
// the rules' current warnings (their owner is rule-checks.ts), whether the upstream answers
// (ops/upstream-health.ts) and which shared services (a team's Redis or database) are down now.
import { baseUrlFor } from '../http/hosts';
import type { Logger } from '../log/logger';
import type { RuleWarning } from '../../contracts/rule-checks';
import type { ProxyStatus, UpstreamReachability } from '../../contracts/status';
import type { Settings } from '../../contracts/settings';

/** Older warnings give way: the list stays readable in a banner or a menu. */
const MAX_WARNINGS = 20;

export interface StatusOptions {
  version: string;
  settings: { effective(): Settings };
  /** Found at startup (store repairs, a looping upstream); logged here once. */
  warnings: string[];
  logger: Logger;
  /** What is wrong with the rules now, read with every status. */
  ruleWarnings(): RuleWarning[];
  /** Whether the upstream answers now (proxy/ops/upstream-health.ts). */
  upstream(): UpstreamReachability;
  /** After every change, with the new status. */
  onChange(status: ProxyStatus): void;
}

export class StatusState {
  private reported: Partial<ProxyStatus> = {};
  private readonly warnings: string[];
  /** Current outages of shared services, by source (e.g. `redis`). */
  private readonly outages = new Map<string, string>();

  constructor(private readonly options: StatusOptions) {
    this.warnings = options.warnings.slice(-MAX_WARNINGS);
    for (const warning of options.warnings) options.logger.warn(`⚠️  ${warning}`);
  }

  current(): ProxyStatus {
    const settings = this.options.settings.effective();
    return {
      state: 'starting',
      baseUrl: baseUrlFor(settings.host, settings.port),
      error: null,
      startedAt: null,
      ...this.reported,
      paused: settings.paused,
      upstreamUrl: settings.upstreamUrl,
      version: this.options.version,
      warnings: [...this.warnings],
      ...(this.outages.size > 0 ? { outages: [...this.outages.values()] } : {}),
      ruleWarnings: this.options.ruleWarnings(),
      upstream: this.options.upstream(),
    };
  }

  /** From the server lifecycle; `startedAt` is set on the first 'running' that lacks one. */
  report(status: Partial<ProxyStatus>): void {
    this.reported = { ...this.reported, ...status };
    if (status.state === 'running' && status.startedAt === undefined && !this.reported.startedAt) {
      this.reported.startedAt = Date.now();
    }
    this.changed();
  }

  /** A problem that should be visible in every UI and the log. */
  warn(message: string): void {
    this.warnings.push(message);
    if (this.warnings.length > MAX_WARNINGS) this.warnings.splice(0, this.warnings.length - MAX_WARNINGS);
    this.options.logger.warn(`⚠️  ${message}`);
    this.changed();
  }

  /** A shared service (`source`) failed (`message`, logged once) or is back (null). */
  outage(source: string, message: string | null): void {
    if ((this.outages.get(source) ?? null) === message) return;
    if (message === null) {
      this.outages.delete(source);
      this.options.logger.info(`${source} is back`);
    } else {
      this.outages.set(source, message);
      this.options.logger.warn(`⚠️  ${message}`);
    }
    this.changed();
  }

  /** Something status shows changed elsewhere (paused, upstream, address, rule warnings). */
  changed(): void {
    this.options.onChange(this.current());
  }
}
