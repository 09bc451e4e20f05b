import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { minutesSeconds, nameByPlayerId } from '../../lib/format';
import { PlayerBoards } from '../replay/PlayerBoards';
import { Timeline } from '../replay/Timeline';
import { boardsAt, buildReplayIndex } from '../replay/boardModel';
import { momentLabel } from '../replay/moments';
import { useLiveMatches } from './api';
import { useLiveRoom } from './useLiveRoom';

/** /live/{room_id}: the replay viewer following the match as it is played (docs/api.md, live). */
export function LiveRoomPage() {
  const { roomId = '' } = useParams();
  const room = useLiveRoom(roomId);
  const listed = useLiveMatches(); // the players' usernames (a guest has none: its player_id is shown)
  const index = useMemo(() => buildReplayIndex(room.events, room.moments), [room.events, room.moments]);
  // null: following the head; a tick: scrubbed back, paused there until "Go live".
  const [heldAt, setHeldAt] = useState<number | null>(null);

  // The names too, as the replay waits for them: boards labelled with ids, renamed a moment later.
  if (room.state === 'connecting' || listed.isPending) return <p role="status">Connecting to the match…</p>;
  if (room.state === 'none') {
    return (
      <section>
        <p>
          <Link to="/live">← Live matches</Link>
        </p>
        <p role="alert">No match is being played in this room now.</p>
      </section>
    );
  }
  const players = listed.data?.find((row) => row.room_id === roomId)?.players ?? [];
  const nameOf = nameByPlayerId(players);
  const tick = heldAt === null ? index.endTick : Math.min(heldAt, index.endTick);
  const clock = (at: number) => minutesSeconds(((at - index.startTick) * 1000) / index.tickRate);
  const ended = room.state === 'ended';

  return (
    <section className="replay live">
      <p>
        <Link to="/live">← Live matches</Link>
      </p>
      <h1>
        Room {roomId}{' '}
        {!ended && heldAt === null ? (
          <span className="live-badge" aria-label="Live: following the match as it is played">
            Live
          </span>
        ) : null}
      </h1>
      {ended ? (
        <p role="status" className="card">
          The match is over.{' '}
          {room.matchId ? <Link to={`/matches/${room.matchId}`}>See the match</Link> : 'It is being recorded.'}
        </p>
      ) : null}
      <PlayerBoards boards={boardsAt(index, tick)} nameOf={nameOf} />
      <div className="controls" role="group" aria-label="Following">
        {heldAt !== null && !ended ? (
          <button type="button" onClick={() => setHeldAt(null)}>
            Go live
          </button>
        ) : null}
        <span className="clock" aria-live="off">
          {clock(tick)} / {clock(index.endTick)}
        </span>
      </div>
      <Timeline
        index={index}
        tick={tick}
        clock={clock}
        onSeek={(value) => setHeldAt(value >= index.endTick ? null : value)}
        momentTitle={(moment) => momentLabel(moment, index, nameOf)}
      />
      <h2 id="moments-heading">Key moments</h2>
      {index.moments.length === 0 ? (
        <p>No key moments yet.</p>
      ) : (
        <ul aria-labelledby="moments-heading" className="moments">
          {index.moments.map((moment, position) => (
            <li key={position}>
              <button type="button" onClick={() => setHeldAt(moment.tick)}>
                {momentLabel(moment, index, nameOf)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
