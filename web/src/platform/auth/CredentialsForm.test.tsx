import { describe, expect, it } from 'vitest';
import { formatWhen } from '../../lib/format';
import { tooManyAttempts } from './CredentialsForm';

describe('tooManyAttempts', () => {
  it('says until when a locked sign-in may try again, in the reader’s time', () => {
    const detail =
      'Too many failed sign-ins to this account from this address: try again after 2026-12-06T19:45:00Z. ' +
      'Expected available in 900 seconds.';
    expect(tooManyAttempts([detail])).toEqual([
      `Too many failed sign-ins to this account from here: try again after ${formatWhen('2026-12-06T19:45:00Z')}.`,
    ]);
  });

  it('keeps a throttle’s own words, and has words of its own without any', () => {
    expect(tooManyAttempts(['Request was throttled. Expected available in 12 seconds.'])).toEqual([
      'Request was throttled. Expected available in 12 seconds.',
    ]);
    expect(tooManyAttempts([])).toEqual(['Too many attempts: wait a minute and try again.']);
  });
});
