import { describe, expect, it } from 'vitest';
import { SseParser } from './sseParser';

describe('SseParser', () => {
  it('returns whole messages with their ids, across chunk boundaries, skipping heartbeats', () => {
    const parser = new SseParser();
    expect(parser.push('retry: 1000\n\nid: 7\nevent: piece_lock\ndata: {"ti')).toEqual([]);
    expect(parser.push('ck": 3}\n\n: keep-alive\n\nevent: end\ndata: {"match_id": null}\n\n')).toEqual([
      { event: 'piece_lock', data: '{"tick": 3}', id: '7' },
      { event: 'end', data: '{"match_id": null}', id: '7' },
    ]);
    expect(parser.retry).toBe(1000);
  });

  it('joins data lines with newlines and takes CRLF line ends', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\r\ndata: b\r\n\r\n')).toEqual([{ event: 'message', data: 'a\nb', id: null }]);
  });
});
