import { describe, expect, it } from 'vitest';
import { decisionRecord } from '../../../test/fixtures/contracts';
import { amountInWords, formatLatency, formatMoney, formatPercent, knownCost, projectName, savingsRatio, shortConversationId } from './format';

describe('formatMoney', () => {
  it('shows unknown prices as unknown, never $0', () => {
    expect(formatMoney(null)).toBe('unknown');
    expect(formatMoney(undefined)).toBe('unknown');
    expect(formatMoney(Number.NaN)).toBe('unknown');
    expect(formatMoney(0)).toBe('$0.00');
  });

  it('keeps the sign of negative savings', () => {
    expect(formatMoney(-0.0123)).toBe('-$0.0123');
    expect(formatMoney(-12.5)).toBe('-$12.50');
  });

  it('keeps fractions of a cent readable', () => {
    expect(formatMoney(0.00008)).toBe('$0.00008');
    expect(formatMoney(0.000123456)).toBe('$0.000123');
    expect(formatMoney(0.5)).toBe('$0.50');
    expect(formatMoney(1234.5)).toBe('$1,234.50');
  });
});

describe('formatPercent and ratios', () => {
  it('formats ratios, negative ones too, and has a symbol for n/a', () => {
    expect(formatPercent(0.4242)).toBe('42.4%');
    expect(formatPercent(-0.25)).toBe('-25.0%');
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(1, 0)).toBe('100%');
  });

  it('computes savings against the baseline, unknown without one', () => {
    expect(savingsRatio(0.6, 1)).toBeCloseTo(0.6);
    expect(savingsRatio(-0.2, 1)).toBeCloseTo(-0.2);
    expect(savingsRatio(0, 0)).toBeNull();
    expect(savingsRatio(null, 1)).toBeNull();
  });

  it('says what the amount of a request means: saved, cost more, or only its cost', () => {
    expect(amountInWords(decisionRecord({ savings: 0.0123 }))).toEqual({ text: 'saved $0.0123', tone: 'good' });
    expect(amountInWords(decisionRecord({ savings: -0.004 }))).toEqual({ text: 'cost $0.004 more', tone: 'bad' });
    expect(amountInWords(decisionRecord({ savings: null, cost: null }))).toEqual({ text: 'cost unknown', tone: null });
    expect(amountInWords(decisionRecord({ decision: 'passthrough', savings: 0, cost: 0.0042 }))).toEqual({ text: 'cost $0.0042', tone: null });
  });

  it('reports a total as unknown only when no request in it was priced', () => {
    expect(knownCost(0, 4, 4)).toBeNull();
    expect(knownCost(0.2, 4, 1)).toBe(0.2);
    expect(knownCost(0, 0, 0)).toBe(0);
  });

  it('formats latency', () => {
    expect(formatLatency(420.4)).toBe('420 ms');
    expect(formatLatency(2345)).toBe('2.35 s');
    expect(formatLatency(null)).toBe('—');
  });
});

describe('conversations and projects', () => {
  it('shortens ids to their kind and first eight characters', () => {
    expect(shortConversationId('s:5b1e0c9d-2f4a-4e8b-a1c3-77aa00112233')).toBe('s:5b1e0c9d');
    expect(shortConversationId('h:0a1b2c3d4e5f6a7b')).toBe('h:0a1b2c3d');
    expect(shortConversationId('legacy-id-without-kind')).toBe('legacy-i');
  });

  it('names a project by its last folder', () => {
    expect(projectName('/home/ada/shop/')).toBe('shop');
    expect(projectName('C:\\Users\\ada\\shop')).toBe('shop');
    expect(projectName('/')).toBe('/');
  });
});
