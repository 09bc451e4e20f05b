/**
 * The verifier's protocol (docs/api.md): one JSON request a line in, one JSON answer a line out,
 * in order. Pure: main.ts wires it to the process's stdin and stdout. The server (solo/verifier.py)
 * checks a request's shape before sending it; what reaches here is trusted to be well formed.
 */
import { replay, type RecordedRun, type RunResult } from '../game/run';
import { runEvents, type RunEvent } from '../game/runEvents';

export interface VerifyRequest {
  readonly id: number;
  readonly run: RecordedRun;
  /** Also answer the run's events in the multiplayer format (a replay), not only its result. */
  readonly events?: boolean;
}

export type VerifyAnswer =
  | { readonly id: number; readonly result: RunResult; readonly events?: readonly RunEvent[] }
  | { readonly id: number; readonly error: string };

export function answer(line: string): string {
  let id = -1;
  try {
    const request = JSON.parse(line) as VerifyRequest;
    id = request.id;
    if (request.events) {
      const { result, events } = runEvents(request.run);
      return JSON.stringify({ id, result, events } satisfies VerifyAnswer);
    }
    return JSON.stringify({ id, result: replay(request.run) } satisfies VerifyAnswer);
  } catch (error) {
    return JSON.stringify({ id, error: String(error) } satisfies VerifyAnswer);
  }
}
