import { describe, expect, it } from 'vitest';
import { numberEnd, numberValue, numberValueAt } from './numbers';

describe('numbers as answers write them', () => {
  it('reads exactly the value Number() gives the token without its signs and separators', () => {
    const tokens = ['0', '7', '0.1', '0.3', '2.50', '$2.50', '€3', '£0.75', '1,350', '$1,350.50', '40%', '12.5%', '.5', '$.5%',
      '5.', '9007199254740993', '123456789012345678901.5', '0.0000000000000000000000001', '3.141592653589793238'];
    for (const token of tokens) expect(numberValue(token)).toBe(Number(token.replace(/[$€£,%]/g, '')));
  });

  it('reads a number in place, where numberEnd says it ends', () => {
    const line = 'He pays $1,350.50 for 3 items: 40% off.';
    const at = line.indexOf('$');
    const end = numberEnd(line, at);
    expect(line.slice(at, end)).toBe('$1,350.50');
    expect(numberValueAt(line, at, end)).toBe(1350.5);
    expect(numberEnd(line, line.indexOf('.', end))).toBe(-1); // a full stop is not a number
  });
});
