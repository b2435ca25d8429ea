import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
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
    startDemo: async () => {
      throw new Error('not used');
    },
    stopDemo: async () => null,
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

describe('Claude Code status line in the app', () => {
  const OWN = '~/.claude/statusline.sh';
  const OURS = "'/opt/CascadeFlow Tray/cascadeflow.cjs' statusline --url http://127.0.0.1:8000";

  /** A desktop API over a settings file held in memory, recording what Configure was asked. */
  function fileDesktop(initial: ClaudeCodeState) {
    let state = initial;
    const configured: unknown[] = [];
    const desktop: DesktopApi = {
      ...desktopWith(() => state),
      configureClaudeCode: async (options?) => {
        configured.push(options);
        const installed = options?.statusLine ?? state.statusLine?.installed ?? false;
        state = {
          ...state,
          configured: true,
          baseUrl: 'http://127.0.0.1:8000',
          ...(state.statusLine && { statusLine: { installed, command: installed ? OURS : OWN } }),
        };
        return state;
      },
    };
    return { desktop, configured };
  }
  const box = () => screen.getByRole('checkbox', { name: /status line/ }) as HTMLInputElement;
  const configure = () => fireEvent.click(screen.getByRole('button', { name: 'Configure Claude Code' }));

  it('offers it with Configure, saying that the status line the user has comes back on removal', async () => {
    const { desktop, configured } = fileDesktop({ settingsPath: PATH, configured: false, baseUrl: null, error: null, statusLine: { installed: false, command: OWN } });
    await act(async () => void render(<ClaudeCodeSetup desktop={desktop} baseUrl="http://127.0.0.1:8000" />));
    expect(box().checked).toBe(true);
    expect(screen.getByTestId('claude-code-state').textContent).toContain(`It replaces your status line (${OWN}), which comes back when you remove this`);
    await act(async () => configure());
    expect(configured).toEqual([{ statusLine: true }]);
    expect(box().checked).toBe(true);
    // Configured: the box takes it out again at once.
    await act(async () => fireEvent.click(box()));
    expect(configured).toEqual([{ statusLine: true }, { statusLine: false }]);
    expect(box().checked).toBe(false);
  });

  it('configures without it when the box is cleared first', async () => {
    const { desktop, configured } = fileDesktop({ settingsPath: PATH, configured: false, baseUrl: null, error: null, statusLine: { installed: false, command: null } });
    await act(async () => void render(<ClaudeCodeSetup desktop={desktop} baseUrl="http://127.0.0.1:8000" />));
    await act(async () => fireEvent.click(box()));
    expect(box().checked).toBe(false);
    await act(async () => configure());
    expect(configured).toEqual([{ statusLine: false }]);
  });

  it('is not offered where the app cannot install it', async () => {
    const { desktop, configured } = fileDesktop({ settingsPath: PATH, configured: false, baseUrl: null, error: null });
    await act(async () => void render(<ClaudeCodeSetup desktop={desktop} baseUrl="http://127.0.0.1:8000" />));
    expect(screen.queryByRole('checkbox')).toBeNull();
    await act(async () => configure());
    expect(configured).toEqual([undefined]);
  });
});
