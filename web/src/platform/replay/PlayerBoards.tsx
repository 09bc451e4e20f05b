import { formatNumber, ordinal } from '../../lib/format';
import { BoardCanvas } from './BoardCanvas';
import type { BoardView } from './boardModel';

/** The players' boards at one tick, each with its held piece, the garbage on its way and its knock-out:
 * the replay viewer's and the live viewer's, the same. */
export function PlayerBoards({ boards, nameOf }: { boards: BoardView[]; nameOf: (playerId: string) => string }) {
  return (
    <div className="boards">
      {boards.map((board) => (
        <figure
          key={board.playerId}
          className="player-board"
          data-out={board.outPlacement !== null ? 'true' : undefined}
          data-hold={board.hold ?? ''}
          data-incoming={board.incoming}
        >
          <div className="board-frame">
            <div className="board-side">
              <span className="hold" aria-label={`Held piece of ${nameOf(board.playerId)}`}>
                <small>Hold</small>
                <b>{board.hold ?? '–'}</b>
              </span>
              <span
                className="incoming"
                role="meter"
                aria-label={`Garbage on its way to ${nameOf(board.playerId)}`}
                aria-valuemin={0}
                aria-valuemax={20}
                aria-valuenow={Math.min(20, board.incoming)}
                title={`${board.incoming} rows of garbage on their way`}
              >
                <span style={{ height: `${Math.min(100, board.incoming * 5)}%` }} />
              </span>
            </div>
            <BoardCanvas name={nameOf(board.playerId)} rows={board.rows} />
            {board.outPlacement !== null && (
              <span className="out-mark" role="status">
                Out · {board.outPlacement ? ordinal(board.outPlacement) : ''}
              </span>
            )}
          </div>
          <figcaption>
            <strong title={nameOf(board.playerId)}>{nameOf(board.playerId)}</strong>
            <span>Score {formatNumber(board.score)}</span>
            <span>Lines {board.lines}</span>
            {board.incoming > 0 && <span>Incoming {board.incoming}</span>}
          </figcaption>
        </figure>
      ))}
    </div>
  );
}
