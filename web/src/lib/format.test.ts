import { describe, expect, it } from 'vitest';
import { formatNumber, formatPercent, formatWhen, ordinal } from './format';

describe('formatWhen and formatNumber', () => {
  it('write what toLocaleString writes with the same options', () => {
    const iso = '2026-11-30T18:04:05Z';
    expect(formatWhen(iso)).toBe(new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }));
    expect(formatNumber(1234567)).toBe((1234567).toLocaleString());
  });

  it('keep each number of digits apart', () => {
    expect(formatNumber(2.345, 2)).toBe((2.345).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
    expect(formatNumber(2.345)).toBe('2');
    expect(formatNumber(2, 1)).toBe((2).toLocaleString(undefined, { minimumFractionDigits: 1 }));
  });

  it('write a dash for a missing number', () => {
    expect(formatNumber(null)).toBe('–');
    expect(formatNumber(undefined, 2)).toBe('–');
  });
});

describe('formatPercent', () => {
  it('writes a share as a percentage with its digits, a dash when missing', () => {
    expect(formatPercent(0.375)).toBe(`${formatNumber(37.5, 2)} %`);
    expect(formatPercent(0.1234)).toBe(`${formatNumber(12.34, 2)} %`);
    expect(formatPercent(0, 1)).toBe(`${formatNumber(0, 1)} %`);
    expect(formatPercent(null)).toBe('–');
  });
});

describe('ordinal', () => {
  it('gives English ordinals, the teens included', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112].map(ordinal)).toEqual([
      '1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '101st', '111th', '112th',
    ]);
  });
});
