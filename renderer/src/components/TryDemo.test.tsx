import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DemoSession, DesktopApi } from '../../../contracts/desktop';
import { TryDemo } from './TryDemo';

afterEach(cleanup);

const SESSION: DemoSession = { baseUrl: 'http://127.0.0.1:41234', dashboardUrl: 'http://127.0.0.1:41234/dashboard/', opened: true };

/** The desktop bridge's demo methods over a demo held in memory; the rest is not used here. */
function demoDesktop(start: () => Promise<DemoSession>) {
  const calls: string[] = [];
  const unused = async () => {
    throw new Error('not used');
  };
  const desktop: DesktopApi = {
    getClaudeCodeState: unused,
    configureClaudeCode: unused,
    removeClaudeCode: unused,
    copyBaseUrl: unused,
    setStartAtLogin: unused,
    startDemo: async () => {
      calls.push('start');
      return start();
    },
    stopDemo: async () => {
      calls.push('stop');
      return null;
    },
  };
  return { desktop, calls };
}

const click = (name: string) => act(async () => void fireEvent.click(screen.getByRole('button', { name })));

describe('TryDemo', () => {
  it('on the web: the command that starts the demo, no button', () => {
    render(<TryDemo desktop={null} />);
    expect(screen.getByText('npm run demo')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Try a demo' })).toBeNull();
  });

  it('in the app: starts the demo, says where it runs, opens it again, stops it', async () => {
    const { desktop, calls } = demoDesktop(async () => SESSION);
    render(<TryDemo desktop={desktop} />);
    expect(screen.queryByText('npm run demo')).toBeNull();
    await click('Try a demo');
    const status = screen.getByRole('status').textContent ?? '';
    expect(status).toContain(SESSION.baseUrl);
    expect(status).toContain(`open in your browser: ${SESSION.dashboardUrl}`);
    await click('Open demo dashboard');
    await click('Stop demo');
    expect(calls).toEqual(['start', 'start', 'stop']);
    expect(screen.getByRole('button', { name: 'Try a demo' })).toBeTruthy();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('shows the URL to open when no browser opened it', async () => {
    const { desktop } = demoDesktop(async () => ({ ...SESSION, opened: false }));
    render(<TryDemo desktop={desktop} />);
    await click('Try a demo');
    expect(screen.getByRole('status').textContent).toContain(`Open its dashboard in your browser: ${SESSION.dashboardUrl}`);
  });

  it('says why a start failed, and can try again', async () => {
    let fail = true;
    const { desktop } = demoDesktop(async () => {
      if (fail) throw new Error('no free port');
      return SESSION;
    });
    render(<TryDemo desktop={desktop} />);
    await click('Try a demo');
    expect(screen.getByRole('alert').textContent).toBe('The demo could not start: no free port');
    fail = false;
    await click('Try a demo');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('status').textContent).toContain(SESSION.baseUrl);
  });
});
