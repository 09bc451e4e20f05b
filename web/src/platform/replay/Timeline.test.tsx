// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { ReplayIndex } from './boardModel';
import { Timeline } from './Timeline';

const index: ReplayIndex = {
  startTick: 1000,
  endTick: 2000,
  tickRate: 60,
  players: [],
  lockTicks: [],
  moments: [
    { tick: 1250, type: 'tetris', playerId: 'u-1' },
    { tick: 2000, type: 'elimination', playerId: 'u-2' },
  ],
};

describe('Timeline', () => {
  it('places each key moment along the match and seeks to the tick the slider is moved to', () => {
    const onSeek = vi.fn();
    const { container } = render(
      <Timeline index={index} tick={1500} clock={(tick) => `t${tick}`} onSeek={onSeek} momentTitle={(moment) => moment.type} />,
    );
    const marks = [...container.querySelectorAll<HTMLElement>('.marks .mark')];
    expect(marks.map((mark) => [mark.title, mark.style.left])).toEqual([
      ['tetris', '25%'],
      ['elimination', '100%'],
    ]);
    const slider = screen.getByRole('slider', { name: 'Timeline' });
    expect(slider.getAttribute('aria-valuetext')).toBe('t1500, tick 1500');
    fireEvent.change(slider, { target: { value: '1750' } });
    expect(onSeek).toHaveBeenCalledWith(1750);
  });
});
