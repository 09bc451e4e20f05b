import { useCallback, useEffect, useRef, useState } from 'react';
import { clampTick, type ReplayIndex } from './boardModel';

export const SPEEDS = [0.25, 0.5, 1, 2, 4] as const;

/**
 * The position (a room tick) and the clock that moves it while playing: 1× plays the match's own
 * tick rate. The position is a float while playing and shown rounded.
 */
export function usePlayback(index: ReplayIndex, initialTick: number | null) {
  const [position, setPosition] = useState(() => clampTick(index, initialTick ?? index.startTick));
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const frame = useRef<number | null>(null);
  const current = useRef(position);
  const moveTo = useCallback((value: number) => {
    current.current = value;
    setPosition(value);
  }, []);

  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    const step = (now: number) => {
      const elapsed = (now - last) / 1000;
      last = now;
      const next = Math.min(index.endTick, current.current + elapsed * index.tickRate * speed);
      moveTo(next);
      if (next >= index.endTick) setPlaying(false);
      else frame.current = requestAnimationFrame(step);
    };
    frame.current = requestAnimationFrame(step);
    return () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    };
  }, [playing, index, speed, moveTo]);

  const seek = useCallback(
    (tick: number) => {
      moveTo(clampTick(index, tick));
    },
    [index, moveTo],
  );

  const play = useCallback(() => {
    if (current.current >= index.endTick) moveTo(index.startTick);
    setPlaying(true);
  }, [index, moveTo]);

  return {
    tick: Math.floor(position),
    playing,
    speed,
    setSpeed,
    play,
    pause: () => setPlaying(false),
    seek,
  };
}
