// The bundled preload evaluated in a VM with fake contextBridge and ipcRenderer: what
// the page gets on `window.cascadeflow`, and nothing more.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CascadeflowBridge } from '../contracts/desktop';
import type { ControlEvent } from '../contracts/events';
import { eventsChannel, invokeChannels, invokeMethods, type EventsPayload } from '../contracts/ipc';
import { buildElectron } from './tools/build';

let code: string;
let outDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'cf-preload-'));
  await buildElectron(outDir);
  code = await readFile(path.join(outDir, 'preload.cjs'), 'utf8');
}, 60_000);

afterAll(async () => rm(outDir, { recursive: true, force: true }));

let exposed: Record<string, unknown>;
let invoke: ReturnType<typeof vi.fn>;
let pushEvent: (event: ControlEvent) => void;
let errors: unknown[];

beforeEach(() => {
  exposed = {};
  errors = [];
  invoke = vi.fn(async (channel: string, ...args: unknown[]) => ({ channel, args }));
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
    ipcRenderer: {
      invoke,
      on: (channel: string, listener: (event: unknown, payload: EventsPayload) => void) => {
        if (channel === eventsChannel) pushEvent = (event) => listener({}, event);
      },
    },
  };
  const module = { exports: {} };
  vm.runInNewContext(code, {
    require: (id: string) => {
      if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
      return electron;
    },
    module,
    exports: module.exports,
    console: { error: (...args: unknown[]) => errors.push(args) },
  });
});

const bridge = () => exposed.cascadeflow as CascadeflowBridge;

describe('preload bridge', () => {
  it('exposes only window.cascadeflow, with one method per action plus subscribe', () => {
    expect(Object.keys(exposed)).toEqual(['cascadeflow']);
    expect(Object.keys(bridge()).sort()).toEqual([...invokeMethods, 'subscribe'].sort());
    expect(JSON.stringify(Object.keys(bridge()))).not.toMatch(/ipc|invoke|send/i);
  });

  it('sends each action on its channel with its arguments', async () => {
    await bridge().getStatus();
    await bridge().updateSettings({ paused: true });
    await bridge().getDecisions({ limit: 5 });
    await bridge().setStartAtLogin(true);
    expect(invoke.mock.calls).toEqual([
      [invokeChannels.getStatus],
      [invokeChannels.updateSettings, { paused: true }],
      [invokeChannels.getDecisions, { limit: 5 }],
      [invokeChannels.setStartAtLogin, true],
    ]);
  });

  it('passes on the handler’s own error message', async () => {
    invoke.mockRejectedValueOnce(
      new Error("Error invoking remote method 'cascadeflow:update-settings': ControlError: port is set by the PORT environment variable"),
    );
    await expect(bridge().updateSettings({ port: 1 })).rejects.toThrow(/^port is set by the PORT environment variable$/);
  });

  it('delivers each event to every subscriber until it unsubscribes', () => {
    const seen: string[] = [];
    const unsubscribe = bridge().subscribe((event) => seen.push(event.type));
    bridge().subscribe(() => {
      throw new Error('a broken listener');
    });
    pushEvent({ type: 'rules', rules: [] });
    pushEvent({ type: 'status', status: {} as never });
    unsubscribe();
    pushEvent({ type: 'rules', rules: [] });
    expect(seen).toEqual(['rules', 'status']);
    expect(errors).toHaveLength(3);
  });
});
