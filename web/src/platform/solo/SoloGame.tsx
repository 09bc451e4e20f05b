/**
 * The solo game at /play (docs/development.md): a mode, a 3-2-1 countdown, then a fixed-step
 * simulation driven by the display's frames and recorded as played (game/recorder.ts), drawn on a
 * canvas, with the figures, hold and next queue beside it, and a summary at the end whose result
 * (with its run, for the server to replay) is kept and posted by the result sender until recorded.
 */
import { useCallback, useEffect, useRef, useState, type ChangeEvent, type ReactNode } from 'react';
import { publishedRows, VISIBLE_HEIGHT, WIDTH } from '../../game/board';
import { ghost, isOver, nextPieces, type Game } from '../../game/engine';
import type { Piece } from '../../game/pieces';
import type { ControlEvent, InputSettings } from '../../game/input';
import { MODE_NAMES, MODES, type Mode } from '../../game/modes';
import { newLiveRun, pauseLive, playFrame, type LiveRun } from '../../game/recorder';
import { ENGINE_VERSION, type RecordedRun, type RunSettings } from '../../game/run';
import { CELL, drawField, drawPreview, PREVIEW_CELL, SPAWN_ROWS } from './draw';
import { CONTROL_KEYS, PAUSE_KEYS, RESTART_KEYS } from './keys';
import { keptResult, resultBody, statusText, type KeptResult } from './outbox';
import { loadInputSettings, saveInputSettings } from './settings';
import { SoloSummary } from './SoloSummary';
import { SoloHud } from './SoloHud';
import { useSoloResults } from './useSoloResults';
import './solo.css';
import { newIdempotencyKey } from './uuid';

export interface SoloGameProps {
  /** A fixed seed (/play?seed=N) makes the pieces repeatable; otherwise every game is new. */
  readonly seed: number | null;
  readonly mode: Mode;
  readonly onModeChange: (mode: Mode) => void;
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
  readonly finished: boolean;
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
    finished: game.finished,
    // Tenths while playing (what the clock shows), so the view does not change every frame.
    elapsedMs: isOver(game) ? game.elapsedMs : game.elapsedMs - (game.elapsedMs % 100),
  };
}

const sameView = (a: View, b: View) => (Object.keys(a) as (keyof View)[]).every((key) => a[key] === b[key]);

function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 1;
}

const COUNTDOWN_FROM = 3;
// The page offers no soft drop setting: the guideline's factor, recorded with every run.
const SOFT_DROP_FACTOR = 20;

interface RunSetup {
  readonly mode: Mode;
  readonly seed: number;
  readonly settings: RunSettings;
}

function setupOf(mode: Mode, seed: number, input: InputSettings): RunSetup {
  return { mode, seed, settings: { das_ms: input.dasMs, arr_ms: input.arrMs, soft_drop_factor: SOFT_DROP_FACTOR } };
}

export function SoloGame({ seed, mode, onModeChange, signedIn, signInLink }: SoloGameProps) {
  const { results, keep } = useSoloResults(signedIn);
  const [settings, setSettings] = useState<InputSettings>(() => loadInputSettings(window.localStorage));
  // DAS and ARR are fixed for a game at its start (the run records them); a change applies to the next.
  const [gameNumber, setGameNumber] = useState(0);
  const [firstSetup] = useState(() => setupOf(mode, seed ?? randomSeed(), settings));
  const setupRef = useRef<RunSetup>(firstSetup);
  const [playingMode, setPlayingMode] = useState<Mode>(mode);
  const [firstRun] = useState(() => newLiveRun(firstSetup));
  const liveRef = useRef<LiveRun>(firstRun);
  const eventsRef = useRef<ControlEvent[]>([]);
  const [paused, setPaused] = useState(false);
  const pausedRef = useRef(false);
  const [countdown, setCountdown] = useState(COUNTDOWN_FROM);
  const countdownRef = useRef(COUNTDOWN_FROM);
  // When the countdown ends, on the frames' clock (null: from the next frame on); the frame loop runs
  // it, so that a paused clock (the browser tests') holds the countdown as it holds the game.
  const countdownEndRef = useRef<number | null>(null);
  const [view, setView] = useState<View>(() => viewOf(firstRun.session.game));
  const [resultKey, setResultKey] = useState<string | null>(null);
  const finishedRef = useRef(false);
  const boardRef = useRef<HTMLCanvasElement>(null);
  const holdRef = useRef<HTMLCanvasElement>(null);
  const nextRef = useRef<HTMLCanvasElement>(null);

  const setPause = useCallback((value: boolean) => {
    if (isOver(liveRef.current.session.game) || countdownRef.current > 0) {
      return;
    }
    pausedRef.current = value;
    // Keys held when the game stopped must not go on moving it when it resumes (and the run says so).
    eventsRef.current = [];
    pauseLive(liveRef.current);
    setPaused(value);
  }, []);

  const startGame = useCallback(
    (nextMode: Mode) => {
      const nextSeed = seed === null ? randomSeed() : seed + gameNumber + 1;
      setupRef.current = setupOf(nextMode, nextSeed, settings);
      setPlayingMode(nextMode);
      liveRef.current = newLiveRun(setupRef.current);
      eventsRef.current = [];
      finishedRef.current = false;
      pausedRef.current = false;
      countdownRef.current = COUNTDOWN_FROM;
      countdownEndRef.current = null;
      setCountdown(COUNTDOWN_FROM);
      setPaused(false);
      setResultKey(null);
      setGameNumber((n) => n + 1);
      setView(viewOf(liveRef.current.session.game));
    },
    [seed, gameNumber, settings],
  );
  const restart = useCallback(() => startGame(setupRef.current.mode), [startGame]);

  useEffect(() => {
    // A new mode from the picker (or the address) starts a new game of it.
    if (mode !== setupRef.current.mode) {
      startGame(mode);
    }
  }, [mode, startGame]);

  const finish = useCallback(
    (game: Game) => {
      if (finishedRef.current) {
        return;
      }
      finishedRef.current = true;
      const replay: RecordedRun = { engine: ENGINE_VERSION, ...setupRef.current, inputs: liveRef.current.inputs };
      // The body is fixed here, once: every retry sends these bytes with this key.
      const result = keptResult(resultBody(game, new Date(), replay), newIdempotencyKey());
      setResultKey(result.key);
      keep(result);
    },
    [keep],
  );

  useEffect(() => {
    let frame = 0;
    let last = performance.now();
    const tick = (now: number) => {
      const end = countdownEndRef.current ?? now + COUNTDOWN_FROM * 1000;
      countdownEndRef.current = end;
      const left = Math.max(0, Math.ceil((end - now) / 1000));
      if (left !== countdownRef.current) {
        countdownRef.current = left;
        setCountdown(left);
      }
      // The game's time starts when the countdown ends, not at the frame before.
      const elapsed = now - Math.max(last, end);
      last = now;
      const live = liveRef.current;
      if (!pausedRef.current && left <= 0 && !isOver(live.session.game)) {
        const events = eventsRef.current;
        eventsRef.current = [];
        const { das_ms, arr_ms } = setupRef.current.settings;
        playFrame(live, elapsed, events, { dasMs: das_ms, arrMs: arr_ms });
      }
      const game = live.session.game;
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
      const over = isOver(liveRef.current.session.game);
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
      if (!event.repeat && !pausedRef.current && countdownRef.current <= 0 && !over) {
        eventsRef.current.push({ control, down: true });
      }
    };
    const up = (event: KeyboardEvent) => {
      const control = CONTROL_KEYS[event.code];
      if (control !== undefined && !pausedRef.current && countdownRef.current <= 0) {
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
    setSettings(saveInputSettings(window.localStorage, { ...settings, [name]: Number(event.target.value) }));
  };

  const mine: KeptResult | undefined = results.find((r) => r.key === resultKey);
  const status = mine ? statusText(mine, signedIn) : null;

  return (
    <section className="solo-game" aria-label="Solo game">
      <div className="solo-modes" role="radiogroup" aria-label="Mode">
        {MODES.map((option) => (
          <button
            key={option}
            type="button"
            role="radio"
            aria-checked={option === playingMode}
            className={option === playingMode ? 'button primary' : 'button'}
            onClick={() => (option === mode ? startGame(option) : onModeChange(option))}
          >
            {MODE_NAMES[option]}
          </button>
        ))}
      </div>
      <div className="solo-layout">
        <div className="solo-side">
          <h2 className="solo-label">Hold</h2>
          <canvas ref={holdRef} role="img" aria-label="Hold" data-piece={view.hold ?? ''} width={PREVIEW_CELL * 5} height={PREVIEW_CELL * 3} />
          <SoloHud mode={playingMode} figures={view} />
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
          {countdown > 0 && !view.over && (
            <div className="solo-overlay solo-countdown" role="timer" aria-label="Countdown">
              <p>{MODE_NAMES[playingMode]}</p>
              <strong>{countdown}</strong>
            </div>
          )}
          {paused && !view.over && (
            <div className="solo-overlay">
              <p>Paused</p>
              <button type="button" onClick={() => setPause(false)}>
                Resume
              </button>
            </div>
          )}
          {view.over && (
            <SoloSummary mode={playingMode} view={view} status={status} onRestart={restart}>
              {!signedIn && mine?.state !== 'saved' && signInLink}
            </SoloSummary>
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
              DAS and ARR apply from the next game. ←/→ move, ↓ soft drop, Space hard drop, ↑/X rotate right, Z rotate
              left, A rotate 180, C/Shift hold, P/Esc pause, Enter/R restart
            </p>
          </fieldset>
        </div>
      </div>
    </section>
  );
}
