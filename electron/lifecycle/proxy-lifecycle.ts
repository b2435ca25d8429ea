// Runs the proxy server inside the app: starts it on the configured address (the
// server itself reports "running" or the error, e.g. port in use, through the
// context's status) and restarts it when the host or port setting changes.
import type { ControlEvent, Unsubscribe } from '../../contracts/events';
import type { ProxyContext } from '../../proxy/context';

export interface ServerHandle {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** proxy/server.ts's startProxyServer (injectable so tests can count starts). */
export type StartServer = (ctx: ProxyContext, address: { host: string; port: number }) => Promise<ServerHandle>;

export interface ProxyLifecycleOptions {
  ctx: ProxyContext;
  startServer: StartServer;
  /**
   * Called after every successful start with the client base URL, so settings that point
   * at the proxy (Claude Code's) can follow a port change, including one made while the
   * app was not running.
   */
  onRunning?(baseUrl: string): void | Promise<void>;
  onError?(message: string): void;
}

export class ProxyLifecycle {
  private server: ServerHandle | null = null;
  private address: { host: string; port: number } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private unsubscribe: Unsubscribe | null = null;

  constructor(private readonly options: ProxyLifecycleOptions) {}

  /** Starts the server and follows settings changes until stop(). */
  start(): Promise<void> {
    this.unsubscribe ??= this.options.ctx.control.subscribe((event) => this.onEvent(event));
    return this.serial(() => this.listen());
  }

  /** Restarts on the current settings (the tray's "Retry" after a port conflict). */
  restart(): Promise<void> {
    return this.serial(() => this.listen());
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.serial(() => this.closeServer());
  }

  private onEvent(event: ControlEvent): void {
    if (event.type !== 'settings') return;
    const { host, port } = this.options.ctx.config;
    if (this.address && this.address.host === host && this.address.port === port) return;
    void this.serial(() => this.listen());
  }

  private async listen(): Promise<void> {
    const { ctx, startServer, onRunning, onError } = this.options;
    const { host, port } = ctx.config;
    await this.closeServer();
    this.address = { host, port };
    try {
      this.server = await startServer(ctx, { host, port });
    } catch (error) {
      onError?.((error as Error).message || String(error));
      return;
    }
    try {
      await onRunning?.(this.server.url);
    } catch (error) {
      onError?.((error as Error).message);
    }
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await server.close();
  }

  private serial(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
