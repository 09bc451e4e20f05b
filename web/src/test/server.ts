import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { resetSessionForTests } from '../lib/session';

/** MSW's mocked HTTP for unit tests: a test adds its handlers with server.use(...). */
export const server = setupServer();

export function withMockServer(): void {
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    resetSessionForTests();
  });
  afterAll(() => server.close());
}

/** An access token whose claims name the user (the client reads user_id from it). */
export function fakeToken(userId: string): string {
  const encode = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '');
  return `${encode({ alg: 'HS256' })}.${encode({ user_id: userId, token_type: 'access' })}.signature`;
}
