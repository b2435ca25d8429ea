import { describe, expect, it } from 'vitest';
import { emptyTotals } from '../contracts/stats';
import { clientLines, savingLine } from './text';

describe('savingLine', () => {
  it('counts each kind by its one name and gives the saving against the baseline', () => {
    const totals = { ...emptyTotals(), queries: 7, accepted: 3, escalated: 2, draftErrors: 1, passthrough: 1, savings: 0.0105, baselineCost: 0.0354 };
    expect(savingLine(totals)).toBe(
      '7 requests (3 draft accepted, 2 escalated, 1 draft error, 1 passthrough): saved $0.0105 of $0.0354 without the cascade (30 %)',
    );
  });

  it('shows a loss as a negative saving', () => {
    const totals = { ...emptyTotals(), queries: 1, escalated: 1, savings: -0.002, baselineCost: 0.01 };
    expect(savingLine(totals)).toBe('1 request (1 escalated): saved -$0.0020 of $0.0100 without the cascade (-20 %)');
  });
});

describe('clientLines', () => {
  it('gives Claude Code through npx, the Node SDK and curl, all at the base URL with the demo key', () => {
    const text = clientLines('http://127.0.0.1:8123', 'linux').join('\n');
    expect(text).toContain('ANTHROPIC_BASE_URL=http://127.0.0.1:8123 ANTHROPIC_API_KEY=sk-demo npx claude -p "Explain DNS in three sentences"');
    expect(text).toContain("new Anthropic({ baseURL: 'http://127.0.0.1:8123', apiKey: 'sk-demo' })");
    expect(text).toContain("curl http://127.0.0.1:8123/v1/messages -H 'x-api-key: sk-demo'");
  });

  it("uses PowerShell's way of setting variables on Windows", () => {
    expect(clientLines('http://127.0.0.1:8000', 'win32').join('\n')).toContain(
      `$env:ANTHROPIC_BASE_URL='http://127.0.0.1:8000'; $env:ANTHROPIC_API_KEY='sk-demo'; npx claude -p "Explain DNS in three sentences"`,
    );
  });
});
