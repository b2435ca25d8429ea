import { describe, expect, it } from 'vitest';
import { timestamped } from './logger';

describe('console log lines', () => {
  it('start with the UTC time they were written', () => {
    expect(timestamped('[0123456789abcdef] ✅ Draft accepted', new Date(Date.UTC(2026, 10, 30, 12, 7, 26, 123)))).toBe(
      '2026-11-30T12:07:26.123Z [0123456789abcdef] ✅ Draft accepted',
    );
  });
});
