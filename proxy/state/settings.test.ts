// The settings owner hands out one frozen view until something changes it: every request reads
// the settings several times, and a view no reader can change is safe to share.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../contracts/settings';
import { SettingsState } from './settings';
import { createMemorySecretStore } from './stores';

function settingsState(overrides: { env?: Partial<typeof DEFAULT_SETTINGS>; host?: string } = {}) {
  const persisted: Array<[string, unknown]> = [];
  const state = new SettingsState({
    stored: { ...DEFAULT_SETTINGS, host: overrides.host ?? DEFAULT_SETTINGS.host },
    adminToken: null,
    env: overrides.env ?? {},
    envApiKey: null,
    envAdminToken: null,
    allowedHosts: [],
    secrets: createMemorySecretStore(),
    dataDir: '/tmp/unused',
    version: '9.9.9',
    persist: (key, value) => persisted.push([key, value]),
    onChange: () => {},
  });
  return { state, persisted };
}

describe('SettingsState', () => {
  it('shares one frozen view of the settings and of the config until an update, then shows the update', () => {
    const { state } = settingsState({ env: { logPrompts: true } });
    const effective = state.effective();
    const config = state.config;
    expect(state.effective()).toBe(effective);
    expect(state.config).toBe(config);
    expect(Object.isFrozen(effective) && Object.isFrozen(config)).toBe(true);
    expect(() => Object.assign(effective, { paused: true })).toThrow(TypeError);
    expect(effective.logPrompts).toBe(true);

    state.update({ paused: true, draftPolicy: 'always' });
    expect(state.effective()).not.toBe(effective);
    expect(state.effective()).toMatchObject({ paused: true, logPrompts: true });
    expect(state.config.draftPolicy).toBe('always');
    expect(effective.paused).toBe(DEFAULT_SETTINGS.paused);

    state.replace({ ...DEFAULT_SETTINGS, draftPolicy: 'cost_aware' });
    expect(state.config.draftPolicy).toBe('cost_aware');
  });

  it('beyond loopback, the config carries the admin token generated once, and another replica’s once replaced', () => {
    const { state, persisted } = settingsState({ host: '0.0.0.0' });
    const token = state.config.adminToken;
    expect(token).toMatch(/^[\w-]{32}$/);
    expect(state.config.adminToken).toBe(token);
    expect(persisted).toEqual([['adminToken', token]]);
    state.replaceAdminToken('replica-token');
    expect(state.config.adminToken).toBe('replica-token');
  });
});
