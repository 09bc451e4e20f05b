import { useEffect, useState } from 'react';
import type { GameEvent } from '../../api/types';
import { followStream } from './sse';

export interface LiveRoom {
  events: GameEvent[];
  moments: GameEvent[];
  /** 'connecting' until the first message; 'none' when no match is being played there (404). */
  state: 'connecting' | 'live' | 'ended' | 'none';
  /** The recorded match's id once the stream said `end` (null when not projected yet). */
  matchId: string | null;
}

/** How often the page takes what arrived: a burst of events costs one render, not one each. */
const FLUSH_MS = 100;

/** A room's match as it is played (GET /api/live/rooms/{room_id}), reconnecting invisibly. */
export function useLiveRoom(roomId: string): LiveRoom {
  const [room, setRoom] = useState<LiveRoom>({ events: [], moments: [], state: 'connecting', matchId: null });

  useEffect(() => {
    const events: GameEvent[] = [];
    const moments: GameEvent[] = [];
    let state: LiveRoom['state'] = 'connecting';
    let matchId: string | null = null;
    let dirty = false;
    const flush = () => {
      if (!dirty) return;
      dirty = false;
      setRoom({ events: [...events], moments: [...moments], state, matchId });
    };
    const timer = setInterval(flush, FLUSH_MS);
    const stop = followStream(`/api/live/rooms/${encodeURIComponent(roomId)}`, {
      isFinished: () => state === 'ended',
      onRefused: () => {
        state = events.length > 0 ? 'ended' : 'none';
        dirty = true;
        flush();
      },
      onMessage: (message) => {
        const value = JSON.parse(message.data) as GameEvent & { match_id?: string | null };
        if (message.event === 'end') {
          state = 'ended';
          matchId = value.match_id ?? null;
          dirty = true;
          flush();
          return;
        }
        if (message.event === 'moment') moments.push(value);
        else events.push(value);
        if (state === 'connecting') state = 'live';
        dirty = true;
      },
    });
    return () => {
      clearInterval(timer);
      stop();
    };
  }, [roomId]);
  return room;
}
