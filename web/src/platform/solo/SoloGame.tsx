/**
 * The solo game at /play: a fixed-step simulation driven by the display's frames,
 * drawn on a canvas, with the figures, hold and next queue beside it, and a summary at game over
 * whose result is kept and posted by the result sender until the API has recorded it.
 */
import { useCallback, useEffect, useRef, useState, type ChangeEvent, type ReactNode } from 'react';
import { publishedRows, VISIBLE_HEIGHT, WIDTH } from '../../game/board';
import { ghost, isOver, nextPieces, type Game } from '../../game/engine';
import type { Piece } from '../../game/pieces';
import { NO_INPUT, type ControlEvent, type InputSettings } from '../../game/input';
import { newSession, runFrame, type Session } from '../../game/simulation';
import { CELL, drawField, drawPreview, PREVIEW_CELL, SPAWN_ROWS } from './draw';
import { CONTROL_KEYS, PAUSE_KEYS, RESTART_KEYS } from './keys';
import { keptResult, resultBody, statusText, type KeptResult } from './outbox';
import { loadInputSettings, saveInputSettings } from './settings';
import { useSoloResults } from './useSoloResults';
import './solo.css';
import { newIdempotencyKey } from './uuid';

export interface SoloGameProps {
  /** A fixed seed (/play?seed=N) makes the pieces repeatable; otherwise every game is new. */
  readonly seed: number | null;
  readonly signedIn: boolean;
  /** Offered with the summary to a signed-out player; it should bring them back here. */
  readonly signInLink: ReactNode;
}

interface View {
  readonly score: number;
  readonly lines: number;
  readonly level: number;
  readonly pieces: number;
  readonly hold: Piece | null;
  readonly holdUsed: boolean;
  readonly next: string;
  readonly rows: string;
  readonly over: boolean;
  readonly elapsedMs: number;
}

function viewOf(game: Game): View {
  return {
    score: game.score,
    lines: game.lines,
    level: game.level,
    pieces: game.pieces,
    hold: game.hold,
    holdUsed: game.holdUsed,
    next: nextPieces(game).join(''),
    rows: JSON.stringify(publishedRows(game.board)),
    over: isOver(game),
    // Only the game-over summary shows time, so it need not change the view every frame.
    elapsedMs: isOver(game) ? game.elapsedMs : 0,
  };
}

const sameView = (a: View, b: View) => (Object.keys(a) as (keyof View)[]).every((key) => a[key] === b[key]);

function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 1;
}

export function formatTime(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}.${Math.floor((ms % 1000) / 100)}`;
}

export function SoloGame({ seed, signedIn, signInLink }: SoloGameProps) {
  const { results, keep } = useSoloResults(signedIn);
  const [settings, setSettings] = useState<InputSettings>(() => loadInputSettings(window.localStorage));
  const settingsRef = useRef(settings);
  const [gameNumber, setGameNumber] = useState(0);
  const [firstSession] = useState(() => newSession(seed ?? randomSeed()));
  const sessionRef = useRef<Session>(firstSession);
  const eventsRef = useRef<ControlEvent[]>([]);
  const [paused, setPaused] = useState(false);
  const pausedRef = useRef(false);
  const [view, setView] = useState<View>(() => viewOf(firstSession.game));
  const [resultKey, setResultKey] = useState<string | null>(null);
  const finishedRef = useRef(false);
  const boardRef = useRef<HTMLCanvasElement>(null);
  const holdRef = useRef<HTMLCanvasElement>(null);
  const nextRef = useRef<HTMLCanvasElement>(null);

  const setPause = useCallback((value: boolean) => {
    if (isOver(sessionRef.current.game)) {
      return;
    }
    pausedRef.current = value;
    // Keys held when the game stopped must not go on moving it when it resumes.
    eventsRef.current = [];
    sessionRef.current = { ...sessionRef.current, input: NO_INPUT, carryMs: 0 };
    setPaused(value);
  }, []);

  const restart = useCallback(() => {
    sessionRef.current = newSession(seed === null ? randomSeed() : seed + gameNumber + 1);
    eventsRef.current = [];
    finishedRef.current = false;
    pausedRef.current = false;
    setPaused(false);
    setResultKey(null);
    setGameNumber((n) => n + 1);
    setView(viewOf(sessionRef.current.game));
  }, [seed, gameNumber]);

  const finish = useCallback(
    (game: Game) => {
      if (finishedRef.current) {
        return;
      }
      finishedRef.current = true;
      // The body is fixed here, once: every retry sends these bytes with this key.
      const result = keptResult(resultBody(game, new Date()), newIdempotencyKey());
      setResultKey(result.key);
      keep(result);
    },
    [keep],
  );

  useEffect(() => {
    let frame = 0;
    let last = performance.now();
    const tick = (now: number) => {
      const elapsed = now - last;
      last = now;
      const before = sessionRef.current;
      if (!pausedRef.current && !isOver(before.game)) {
        const events = eventsRef.current;
        eventsRef.current = [];
        sessionRef.current = runFrame(before, elapsed, events, settingsRef.current);
      }
      const game = sessionRef.current.game;
      const ctx = boardRef.current?.getContext('2d');
      if (ctx) {
        drawField(ctx, game.board, game.active, ghost(game));
      }
      const next = viewOf(game);
      setView((shown) => (sameView(shown, next) ? shown : next));
      if (isOver(game)) {
        finish(game);
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [finish, gameNumber]);

  useEffect(() => {
    const holdCtx = holdRef.current?.getContext('2d');
    if (holdCtx) {
      drawPreview(holdCtx, [view.hold], view.holdUsed);
    }
    const nextCtx = nextRef.current?.getContext('2d');
    if (nextCtx) {
      // The letters come from nextPieces(), so they are pieces.
      drawPreview(nextCtx, [...view.next] as Piece[], false);
    }
  }, [view.hold, view.holdUsed, view.next]);

  useEffect(() => {
    const isTyping = (event: KeyboardEvent) =>
      event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement;
    const down = (event: KeyboardEvent) => {
      if (isTyping(event)) {
        return;
      }
      const over = isOver(sessionRef.current.game);
      if (PAUSE_KEYS.has(event.code)) {
        event.preventDefault();
        setPause(!pausedRef.current);
        return;
      }
      if (RESTART_KEYS.has(event.code) && over) {
        event.preventDefault();
        restart();
        return;
      }
      const control = CONTROL_KEYS[event.code];
      if (control === undefined) {
        return;
      }
      event.preventDefault();
      if (!event.repeat && !pausedRef.current && !over) {
        eventsRef.current.push({ control, down: true });
      }
    };
    const up = (event: KeyboardEvent) => {
      const control = CONTROL_KEYS[event.code];
      if (control !== undefined && !pausedRef.current) {
        eventsRef.current.push({ control, down: false });
      }
    };
    const hidden = () => {
      if (document.hidden) {
        setPause(true);
      }
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    document.addEventListener('visibilitychange', hidden);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      document.removeEventListener('visibilitychange', hidden);
    };
  }, [restart, setPause]);

  const changeSetting = (name: keyof InputSettings, event: ChangeEvent<HTMLInputElement>) => {
    const saved = saveInputSettings(window.localStorage, { ...settings, [name]: Number(event.target.value) });
    settingsRef.current = saved;
    setSettings(saved);
  };

  const mine: KeptResult | undefined = results.find((r) => r.key === resultKey);
  const status = mine ? statusText(mine, signedIn) : null;

  return (
    <section className="solo-game" aria-label="Solo game">
      <div className="solo-layout">
        <div className="solo-side">
          <h2 className="solo-label">Hold</h2>
          <canvas ref={holdRef} role="img" aria-label="Hold" data-piece={view.hold ?? ''} width={PREVIEW_CELL * 5} height={PREVIEW_CELL * 3} />
          <dl className="solo-figures">
            <dt>Score</dt>
            <dd aria-label="Score">{view.score}</dd>
            <dt>Lines</dt>
            <dd aria-label="Lines">{view.lines}</dd>
            <dt>Level</dt>
            <dd aria-label="Level">{view.level}</dd>
            <dt>Pieces</dt>
            <dd aria-label="Pieces">{view.pieces}</dd>
          </dl>
        </div>
        <div className="solo-field">
          <canvas
            ref={boardRef}
            role="img"
            aria-label="Board"
            data-rows={view.rows}
            width={WIDTH * CELL}
            height={(VISIBLE_HEIGHT + SPAWN_ROWS) * CELL}
          />
          {paused && !view.over && (
            <div className="solo-overlay">
              <p>Paused</p>
              <button type="button" onClick={() => setPause(false)}>
                Resume
              </button>
            </div>
          )}
          {view.over && (
            <div className="solo-overlay" role="group" aria-label="Game over">
              <h2>Game over</h2>
              <dl className="solo-summary">
                <dt>Score</dt>
                <dd>{view.score}</dd>
                <dt>Lines</dt>
                <dd>{view.lines}</dd>
                <dt>Level</dt>
                <dd>{view.level}</dd>
                <dt>Pieces</dt>
                <dd>{view.pieces}</dd>
                <dt>Time</dt>
                <dd>{formatTime(view.elapsedMs)}</dd>
              </dl>
              <p role="status">{status}</p>
              {!signedIn && mine?.state !== 'saved' && signInLink}
              <button type="button" onClick={restart}>
                Play again
              </button>
            </div>
          )}
        </div>
        <div className="solo-side">
          <h2 className="solo-label">Next</h2>
          <canvas ref={nextRef} role="img" aria-label="Next" data-pieces={view.next} width={PREVIEW_CELL * 5} height={PREVIEW_CELL * 3 * 5} />
          <fieldset className="solo-settings">
            <legend>Controls</legend>
            <label>
              DAS (ms)
              <input type="number" min={0} max={1000} value={settings.dasMs} onChange={(event) => changeSetting('dasMs', event)} />
            </label>
            <label>
              ARR (ms)
              <input type="number" min={0} max={1000} value={settings.arrMs} onChange={(event) => changeSetting('arrMs', event)} />
            </label>
            <p className="solo-help">
              ←/→ move, ↓ soft drop, Space hard drop, ↑/X rotate right, Z rotate left, A rotate 180, C/Shift hold, P/Esc
              pause, Enter/R restart
            </p>
          </fieldset>
        </div>
      </div>
    </section>
  );
}
