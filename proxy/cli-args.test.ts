// parseCli's outcomes for every kind of command line, the usage layout, and the banner's lines.
import { describe, expect, it } from 'vitest';
import { bannerLines } from './banner';
import { EXIT_USAGE, formatUsage, parseCli, portProblem, type CliSpec } from './cli-args';

const usage = formatUsage({
  synopsis: ['tool [options]', 'other-tool [options]'],
  summary: 'Does a thing.',
  options: [['--port <port>', 'listen port']],
  env: [['TOOL_PORT', 'listen port']],
  examples: ['tool --port 1'],
});

const options = { port: { type: 'string' }, quiet: { type: 'boolean' } } as const;
const spec: CliSpec<typeof options> = { prog: 'tool', usage, version: () => '1.2.3', options, check: (v) => portProblem('--port', v.port) };

describe('parseCli', () => {
  it('runs with the parsed values', () => {
    expect(parseCli(['--port', '80', '--quiet'], spec)).toEqual({ run: true, values: { port: '80', quiet: true } });
    expect(parseCli([], spec)).toEqual({ run: true, values: {} });
  });

  it('--help / -h and --version / -v print to stdout and exit 0, whatever else is given', () => {
    for (const argv of [['--help'], ['-h'], ['--port', '1', '-h']]) expect(parseCli(argv, spec)).toEqual({ run: false, code: 0, stdout: `${usage}\n`, stderr: '' });
    for (const argv of [['--version'], ['-v']]) expect(parseCli(argv, spec)).toEqual({ run: false, code: 0, stdout: '1.2.3\n', stderr: '' });
  });

  it('an unknown option, a stray argument, a missing or bad value: one line and the usage on stderr, exit 2', () => {
    const cases: Array<[string[], string]> = [
      [['--bogus'], "tool: Unknown option '--bogus'"],
      [['start'], "tool: Unexpected argument 'start'. This command does not take positional arguments"],
      [['--port'], "tool: Option '--port <value>' argument missing"],
      [['--port', '65536'], 'tool: --port must be an integer between 0 and 65535, got "65536"'],
      [['--port', ''], 'tool: --port must be an integer between 0 and 65535, got ""'],
    ];
    for (const [argv, line] of cases) expect(parseCli(argv, spec)).toEqual({ run: false, code: EXIT_USAGE, stdout: '', stderr: `${line}\n${usage}\n` });
  });
});

describe('formatUsage', () => {
  it('lays out synopsis, summary, aligned options (help and version added), environment and example', () => {
    expect(usage).toBe(
      [
        'Usage: tool [options]',
        '       other-tool [options]',
        '',
        'Does a thing.',
        '',
        'Options:',
        '  --port <port>  listen port',
        '  -h, --help     print this help and exit',
        '  -v, --version  print the version and exit',
        '',
        'Environment:',
        '  TOOL_PORT  listen port',
        '',
        'Example:',
        '  tool --port 1',
      ].join('\n'),
    );
  });
});

describe('bannerLines', () => {
  const info = { version: '1.2.3', url: 'http://127.0.0.1:8000', upstream: 'https://api.anthropic.com', dataDir: '/data/cf', adminToken: null };

  it('shows version, address, upstream, data folder, dashboard and the Claude Code line', () => {
    expect(bannerLines(info)).toEqual([
      'CascadeFlow proxy 1.2.3 listening on http://127.0.0.1:8000',
      'Upstream:  https://api.anthropic.com',
      'Data:      /data/cf   (settings, rules, totals, decision log)',
      'Dashboard: http://127.0.0.1:8000/dashboard   Stats: http://127.0.0.1:8000/stats',
      'For Claude Code, paste this in the shell that runs `claude`:',
      '  export ANTHROPIC_BASE_URL=http://127.0.0.1:8000',
    ]);
  });

  it('with an admin token: the dashboard URL carries it and a last line names it; a title replaces the first words', () => {
    const lines = bannerLines({ ...info, adminToken: 'tok', title: 'CascadeFlow demo' });
    expect(lines[0]).toBe('CascadeFlow demo 1.2.3 listening on http://127.0.0.1:8000');
    expect(lines[3]).toBe('Dashboard: http://127.0.0.1:8000/dashboard#token=tok   Stats: http://127.0.0.1:8000/stats (with the token)');
    expect(lines.at(-1)).toMatch(/^Admin token .*: tok$/);
  });
});
