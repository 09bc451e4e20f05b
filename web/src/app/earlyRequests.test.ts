import { describe, expect, it } from 'vitest';
import { firstPageUrl } from '../platform/history/api';
import { earlyRequests } from './earlyRequests';

describe('earlyRequests', () => {
  it('is the history first page with the filters of the query string', () => {
    expect(earlyRequests('/matches', '?mode=solo')).toEqual([firstPageUrl({ mode: 'solo', since: '', until: '' }, 20)]);
    expect(earlyRequests('/matches/', '')).toEqual(['/api/matches?page_size=20']);
  });

  it('is the match on its page, and the replay with the match on the replay page', () => {
    expect(earlyRequests('/matches/m-1', '')).toEqual(['/api/matches/m-1']);
    expect(earlyRequests('/matches/m-1/replay', '?t=120')).toEqual(['/api/matches/m-1/replay', '/api/matches/m-1']);
    expect(earlyRequests('/matches/a%20b/replay/', '')).toEqual(['/api/matches/a%20b/replay', '/api/matches/a%20b']);
  });

  it('is nothing elsewhere, or for an id that is not percent-encoded right', () => {
    expect(earlyRequests('/', '')).toEqual([]);
    expect(earlyRequests('/play', '')).toEqual([]);
    expect(earlyRequests('/matches/m-1/moments', '')).toEqual([]);
    expect(earlyRequests('/matches/%E0%A4%A/replay', '')).toEqual([]);
  });
});
