import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { CopyLink } from '../../components/CopyLink';
import { ErrorMessage } from '../../components/ErrorMessage';
import { minutesSeconds, nameByPlayerId } from '../../lib/format';
import { ApiError } from '../../lib/session';
import { PlayerBoards } from './PlayerBoards';
import { Timeline } from './Timeline';
import { boardsAt, buildReplayIndex, nextTick, previousTick, type ReplayIndex } from './boardModel';
import { useMatch } from '../matches/api';
import { useMatchAnalysis, type Analysis } from '../analysis/api';
import { finesseSummary, judgedPlayers } from './finesse';
import { useReplay } from './api';
import { momentLabel } from './moments';
import { SPEEDS, usePlayback } from './usePlayback';
import { useShortcuts } from './shortcuts';
import { ShortcutsHelp } from './ShortcutsHelp';

/** How often the URL's t follows the position while playing (each change is a history write). */
const URL_UPDATE_MS = 500;

function replayFailure(error: Error): string | null {
  if (!(error instanceof ApiError)) return null;
  if (error.status === 410) {
    return 'This replay has expired: the event stream keeps a match’s events only for a limited time, and these are gone. The match’s results are still kept.';
  }
  if (error.status === 503) {
    return 'The replay cannot be loaded right now: the event stream is unreachable. Try again in a few minutes.';
  }
  return null;
}

export function ReplayPage() {
  const { id = '' } = useParams();
  const replay = useReplay(id);
  const match = useMatch(id); // the players' names: the match page's query, so fetched once
  // Its finesse faults, where key presses were judged (a verified solo run); none, or an error, marks nothing.
  const analysis = useMatchAnalysis(id, replay.isSuccess);
  const index = useMemo(() => (replay.data ? buildReplayIndex(replay.data.events, replay.data.moments) : null), [replay.data]);

  // The names too: boards and moments labelled with player ids, then renamed a moment later, read as
  // another match's. A match that cannot be read (an error) leaves the ids.
  if (replay.isPending || match.isPending) return <p role="status">Loading the replay…</p>;
  if (replay.error) {
    const words = replayFailure(replay.error);
    return (
      <section>
        <p>
          <Link to={`/matches/${id}`}>← The match</Link>
        </p>
        {words ? (
          <div role="alert" className="card">
            <p>{words}</p>
          </div>
        ) : (
          <ErrorMessage error={replay.error} what="replay" onRetry={() => void replay.refetch()} />
        )}
      </section>
    );
  }
  if (!index) return null;
  return <Viewer matchId={id} index={index} analysis={analysis.data ?? null} nameOf={nameByPlayerId(match.data?.players ?? [])} />;
}

interface ViewerProps {
  matchId: string;
  index: ReplayIndex;
  analysis: Analysis | null;
  nameOf: (id: string) => string;
}

function Viewer({ matchId, index, analysis, nameOf }: ViewerProps) {
  const [params, setParams] = useSearchParams();
  const requested = params.get('t');
  const initial = requested !== null && /^\d+$/.test(requested) ? Number(requested) : null;
  const playback = usePlayback(index, initial);
  const { tick } = playback;
  const lastUrlWrite = useRef(0);

  // The URL's t follows the position, so a copied link opens at the same point.
  useEffect(() => {
    if (params.get('t') === String(tick)) return;
    const now = performance.now();
    if (playback.playing && now - lastUrlWrite.current < URL_UPDATE_MS) return;
    lastUrlWrite.current = now;
    const next = new URLSearchParams(params);
    next.set('t', String(tick));
    setParams(next, { replace: true });
  }, [tick, playback.playing, params, setParams]);

  const boards = boardsAt(index, tick);
  const momentTicks = index.moments.map((moment) => moment.tick);
  const clock = (at: number) => minutesSeconds(((at - index.startTick) * 1000) / index.tickRate);
  const go = (target: number | null) => {
    if (target === null) return;
    playback.pause();
    playback.seek(target);
  };
  const [helpOpen, setHelpOpen] = useState(false);
  const [momentType, setMomentType] = useState('');
  const [focus, setFocus] = useState<string | null>(null);
  const judged = judgedPlayers(analysis);
  const finesse = finesseSummary(analysis, focus, index);
  const faultTicks = finesse?.marks.map((mark) => mark.tick) ?? [];
  const momentTypes = [...new Set(index.moments.map((moment) => moment.type))].sort();
  const shownMoments = index.moments.filter((moment) => momentType === '' || moment.type === momentType);
  // The same moves as the buttons below, from the keyboard (shortcuts.ts; `?` lists them).
  useShortcuts({
    togglePlay: () => (playback.playing ? playback.pause() : playback.play()),
    previousPiece: () => go(previousTick(index.lockTicks, tick)),
    nextPiece: () => go(nextTick(index.lockTicks, tick)),
    previousMoment: () => go(previousTick(momentTicks, tick)),
    nextMoment: () => go(nextTick(momentTicks, tick)),
    tickBack: () => go(Math.max(index.startTick, Math.round(tick) - 1)),
    tickForward: () => go(Math.min(index.endTick, Math.round(tick) + 1)),
    help: () => setHelpOpen(true),
  });

  return (
    <section className="replay">
      <p className="actions">
        <Link to={`/matches/${matchId}`}>← The match</Link>
        <CopyLink url={() => `${window.location.origin}/matches/${matchId}/replay?t=${tick}`} />
      </p>
      <h1>Replay</h1>
      <div className="replay-main">
        <div className="replay-stage">
          <PlayerBoards boards={boards} nameOf={nameOf} />
          <div className="controls" role="group" aria-label="Playback">
            {playback.playing ? (
              <button type="button" onClick={playback.pause}>
                Pause
              </button>
            ) : (
              <button type="button" onClick={playback.play}>
                Play
              </button>
            )}
            <button type="button" onClick={() => go(previousTick(index.lockTicks, tick))}>
              Previous piece
            </button>
            <button type="button" onClick={() => go(nextTick(index.lockTicks, tick))}>
              Next piece
            </button>
            <button type="button" onClick={() => go(previousTick(momentTicks, tick))}>
              Previous moment
            </button>
            <button type="button" onClick={() => go(nextTick(momentTicks, tick))}>
              Next moment
            </button>
            <label>
              Speed
              <select value={playback.speed} onChange={(event) => playback.setSpeed(Number(event.target.value))}>
                {SPEEDS.map((speed) => (
                  <option key={speed} value={speed}>
                    {speed}×
                  </option>
                ))}
              </select>
            </label>
            <button type="button" onClick={() => setHelpOpen(true)} aria-keyshortcuts="Shift+?">
              Shortcuts (?)
            </button>
            <span className="clock" aria-live="off">
              {clock(tick)} / {clock(index.endTick)}
            </span>
          </div>
          <Timeline
            index={index}
            tick={tick}
            clock={clock}
            onSeek={go}
            momentTitle={(moment) => momentLabel(moment, index, nameOf)}
          >
            {finesse && (
              <div className="marks finesse-marks" aria-hidden="true" data-testid="finesse-marks">
                {finesse.marks.map((mark, position) => (
                  <span key={position} className="mark finesse" style={{ left: `${mark.left}%` }} title={mark.label} />
                ))}
              </div>
            )}
          </Timeline>
          {finesse && (
            <p className="finesse-summary">
              <span className="swatch" aria-hidden="true" />
              {judged.length > 1 ? (
                <label>
                  Finesse faults of
                  <select value={finesse.playerId} onChange={(event) => setFocus(event.target.value)}>
                    {judged.map((player) => (
                      <option key={player.player_id} value={player.player_id}>
                        {nameOf(player.player_id)}
                      </option>
                    ))}
                  </select>
                </label>
              ) : (
                <span>Finesse faults of {nameOf(finesse.playerId)}:</span>
              )}
              <span>
                {finesse.faults} in {finesse.judged} judged placements
                {finesse.kpp !== null && ` · ${finesse.kpp} key presses a piece`}
              </span>
              <button type="button" disabled={previousTick(faultTicks, tick) === null} onClick={() => go(previousTick(faultTicks, tick))}>
                Previous fault
              </button>
              <button type="button" disabled={nextTick(faultTicks, tick) === null} onClick={() => go(nextTick(faultTicks, tick))}>
                Next fault
              </button>
            </p>
          )}
        </div>
        <aside className="moments-side">
          <h2 id="moments-heading">Key moments</h2>
          {index.moments.length === 0 ? (
            <p>No key moments in this match.</p>
          ) : (
            <>
              <label>
                Show
                <select value={momentType} onChange={(event) => setMomentType(event.target.value)}>
                  <option value="">every type</option>
                  {momentTypes.map((type) => (
                    <option key={type} value={type}>
                      {type.replaceAll('_', ' ')}
                    </option>
                  ))}
                </select>
              </label>
              <ul aria-labelledby="moments-heading" className="moments">
                {shownMoments.map((moment, position) => (
                  <li key={position}>
                    <button type="button" aria-current={moment.tick === tick ? 'true' : undefined} onClick={() => go(moment.tick)}>
                      {momentLabel(moment, index, nameOf)}
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </aside>
      </div>
      <ShortcutsHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
    </section>
  );
}
