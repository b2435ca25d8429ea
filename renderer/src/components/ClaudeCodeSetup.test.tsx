import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClaudeCodeState, DesktopApi } from '../../../contracts/desktop';
import { ClaudeCodeSetup } from './ClaudeCodeSetup';

afterEach(cleanup);

const PATH = '/home/u/.claude/settings.json';

function desktopWith(read: () => ClaudeCodeState): DesktopApi {
  return {
    getClaudeCodeState: async () => read(),
    configureClaudeCode: async () => read(),
    removeClaudeCode: async () => read(),
    copyBaseUrl: async () => 'http://127.0.0.1:8000',
    setStartAtLogin: async () => {
      throw new Error('not used');
    },
  };
}

describe('Claude Code setup in the app', () => {
  it('shows why the file is left alone, in the main process’s own words', async () => {
    const error = `${PATH} cannot be read: EACCES: permission denied`;
    const desktop = desktopWith(() => ({ settingsPath: PATH, configured: false, baseUrl: null, error }));
    await act(async () => void render(<ClaudeCodeSetup desktop={desktop} baseUrl="http://127.0.0.1:8000" />));
    const text = screen.getByTestId('claude-code-state').textContent ?? '';
    expect(text).toContain(error);
    expect(text.split(PATH)).toHaveLength(2);
    expect(text).not.toContain('not valid JSON');
  });

  it('reads the file again when the window comes back (the tray or a hand edit may have changed it)', async () => {
    let state: ClaudeCodeState = { settingsPath: PATH, configured: false, baseUrl: null, error: null };
    await act(async () => void render(<ClaudeCodeSetup desktop={desktopWith(() => state)} baseUrl="http://127.0.0.1:8000" />));
    expect(screen.getByTestId('claude-code-state').textContent).toContain('Not configured');
    state = { ...state, configured: true, baseUrl: 'http://127.0.0.1:8000' };
    await act(async () => void window.dispatchEvent(new Event('focus')));
    expect(screen.getByTestId('claude-code-state').textContent).toContain('Configured');
    expect(screen.getByTestId('claude-code-state').textContent).not.toContain('Not configured');
  });
});
