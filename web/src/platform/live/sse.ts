import { apiUrl, authorizationHeader, refreshSession } from '../../lib/session';
import { SseParser, type SseMessage } from './sseParser';

export interface StreamOptions {
  /** Send the session's token (GET /api/me/events): EventSource cannot send headers, fetch can. */
  signedIn?: boolean;
  onMessage: (message: SseMessage) => void;
  /** The server answered with a refusal that reconnecting will not change (404: no such live match). */
  onRefused?: (status: number) => void;
  /** The stream ended on purpose (after `end`): no reconnect. */
  isFinished?: () => boolean;
}

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 15_000;

/**
 * Reads a Server-Sent Events route with fetch and keeps reading it: after a dropped connection or a
 * server restart it reconnects with Last-Event-ID, so the caller sees each message once and in order,
 * without a visible break. Returns the function that stops it.
 */
export function followStream(path: string, options: StreamOptions): () => void {
  const controller = new AbortController();
  let lastId: string | null = null;
  let delay = FIRST_RETRY_MS;

  const run = async () => {
    while (!controller.signal.aborted && !options.isFinished?.()) {
      const parser = new SseParser();
      try {
        const headers: Record<string, string> = { Accept: 'text/event-stream' };
        if (options.signedIn) Object.assign(headers, authorizationHeader());
        if (lastId !== null) headers['Last-Event-ID'] = lastId;
        const response = await fetch(apiUrl(path), { headers, signal: controller.signal, cache: 'no-store' });
        if (response.status === 401 && options.signedIn && (await refreshSession())) continue;
        if (response.status === 404 || response.status === 401 || response.status === 403) {
          options.onRefused?.(response.status);
          return;
        }
        if (response.ok && response.body) {
          delay = FIRST_RETRY_MS;
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            for (const message of parser.push(value)) {
              if (message.id !== null) lastId = message.id;
              options.onMessage(message);
            }
          }
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      if (options.isFinished?.()) return;
      await new Promise((resolve) => setTimeout(resolve, parser.retry ?? delay));
      delay = Math.min(MAX_RETRY_MS, delay * 2);
    }
  };
  void run();
  return () => controller.abort();
}
