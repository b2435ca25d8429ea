import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellWord, statusLineCommand, statusLineRunner } from './status-line';

describe('statusLineRunner', () => {
  const app = { platform: 'linux' as const, execPath: '/opt/CascadeFlow Tray/cascadeflow-tray', resourcesPath: '/opt/CascadeFlow Tray/resources', appPath: '/src/app' };

  it('runs the sh script by sh where there is curl, in a checkout and once packaged', () => {
    expect(statusLineRunner({ ...app, packaged: false, curl: true })).toEqual({ script: path.join('/src/app', 'dist', 'proxy', 'cascadeflow-statusline.sh'), args: [], program: 'sh' });
    expect(statusLineRunner({ ...app, platform: 'darwin', packaged: true, curl: true })).toEqual({
      script: path.join('/opt/CascadeFlow Tray/resources', 'cascadeflow-statusline.sh'),
      args: [],
      program: 'sh',
    });
  });

  it('runs the Node command without curl: the built script itself in a checkout, through Electron as Node once packaged', () => {
    expect(statusLineRunner({ ...app, packaged: false, curl: false })).toEqual({ script: path.join('/src/app', 'dist', 'proxy', 'cascadeflow.cjs'), args: ['statusline'] });
    expect(statusLineRunner({ ...app, packaged: true, curl: false })).toEqual({
      script: path.join('/opt/CascadeFlow Tray/resources', 'cascadeflow.cjs'),
      args: ['statusline'],
      program: '/opt/CascadeFlow Tray/cascadeflow-tray',
      electronAsNode: true,
    });
  });

  it('always runs the Node command on Windows, which has no POSIX shell to give the script to', () => {
    expect(statusLineRunner({ ...app, platform: 'win32', packaged: false, curl: true })).toMatchObject({ program: 'node', args: ['statusline'] });
    expect(statusLineRunner({ ...app, platform: 'win32', packaged: true, curl: true })).toMatchObject({ electronAsNode: true, args: ['statusline'] });
  });
});

describe('statusLineCommand', () => {
  it('quotes what a shell would split, with the proxy URL as an argument', () => {
    expect(statusLineCommand({ script: '/src/app/dist/proxy/cascadeflow.cjs', args: ['statusline'] }, 'http://127.0.0.1:8000')).toBe(
      '/src/app/dist/proxy/cascadeflow.cjs statusline --url http://127.0.0.1:8000',
    );
    expect(statusLineCommand({ script: '/opt/A B/resources/cascadeflow-statusline.sh', args: [], program: 'sh' }, 'http://127.0.0.1:8000')).toBe(
      "sh '/opt/A B/resources/cascadeflow-statusline.sh' --url http://127.0.0.1:8000",
    );
    expect(statusLineCommand({ script: '/opt/A B/resources/cascadeflow.cjs', args: ['statusline'], program: "/opt/A B/it's", electronAsNode: true }, 'http://127.0.0.1:8001')).toBe(
      "ELECTRON_RUN_AS_NODE=1 '/opt/A B/it'\\''s' '/opt/A B/resources/cascadeflow.cjs' statusline --url http://127.0.0.1:8001",
    );
  });

  it('gives a shell back the very words it was given', () => {
    const words = ['/tmp/a b/c', "it's", '$HOME', '`id`', 'plain-word_1.2', 'a"b', '*'];
    const echoed = execFileSync('sh', ['-c', `printf '%s\\n' ${words.map(shellWord).join(' ')}`], { encoding: 'utf8' });
    expect(echoed.split('\n').slice(0, -1)).toEqual(words);
  });
});
