import { describe, expect, it } from 'vitest';
import { ANALYSIS_POLL_MS, ANALYSIS_POLLS, analysisPollInterval, type Analysis } from './api';

describe('analysisPollInterval', () => {
  it('asks again while the analysis is not computed yet, a bounded number of times', () => {
    expect(analysisPollInterval(null, 1)).toBe(ANALYSIS_POLL_MS);
    expect(analysisPollInterval(null, ANALYSIS_POLLS)).toBe(ANALYSIS_POLL_MS);
    expect(analysisPollInterval(null, ANALYSIS_POLLS + 1)).toBe(false);
  });

  it('never asks again once it is there, nor before the first answer', () => {
    expect(analysisPollInterval({} as Analysis, 1)).toBe(false);
    expect(analysisPollInterval(undefined, 0)).toBe(false);
  });
});
