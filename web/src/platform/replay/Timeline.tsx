import type { ReactNode } from 'react';
import type { ReplayIndex } from './boardModel';

interface TimelineProps {
  index: ReplayIndex;
  tick: number;
  clock: (tick: number) => string;
  onSeek: (tick: number) => void;
  momentTitle: (moment: ReplayIndex['moments'][number]) => string;
  children?: ReactNode; // more marks under the moments' (the replay's finesse faults)
}

/** The match's time as a slider, each key moment a mark along it: the replay viewer's and the live viewer's. */
export function Timeline({ index, tick, clock, onSeek, momentTitle, children }: TimelineProps) {
  const span = Math.max(1, index.endTick - index.startTick);
  return (
    <div className="timeline">
      <input
        type="range"
        aria-label="Timeline"
        min={index.startTick}
        max={index.endTick}
        step={1}
        value={tick}
        aria-valuetext={`${clock(tick)}, tick ${tick}`}
        onChange={(event) => onSeek(Number(event.target.value))}
      />
      <div className="marks" aria-hidden="true">
        {index.moments.map((moment, position) => (
          <span
            key={position}
            className="mark"
            style={{ left: `${((moment.tick - index.startTick) / span) * 100}%` }}
            title={momentTitle(moment)}
          />
        ))}
      </div>
      {children}
    </div>
  );
}
