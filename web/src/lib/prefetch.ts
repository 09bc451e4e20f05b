import { apiFetch } from './session';

/**
 * The API requests main.tsx sends on a load for the page at that address, before the app's chunk has
 * even been downloaded: they leave as soon as the session refresh settles (apiFetch waits on it)
 * instead of once the chunk has run and the page mounted. Each answers the page's first ask of its
 * path; the first ask of any other path means the page has moved on, and the rest are dropped, so a
 * prefetch never answers a later visit.
 */
let early = new Map<string, Promise<unknown>>();

export function prefetch(paths: readonly string[]): void {
  early = new Map(
    paths.map((path) => {
      const response = apiFetch(path);
      response.catch(() => undefined); // a failure is met by fetchEarly asking again
      return [path, response];
    }),
  );
}

/** GET `path` through apiFetch: the prefetched answer if main.tsx asked for exactly this path, else
 * (or if that failed) a request of its own. */
export function fetchEarly<T>(path: string): Promise<T> {
  const taken = early.get(path) as Promise<T> | undefined;
  if (taken) early.delete(path);
  else early.clear();
  return taken ? taken.catch(() => apiFetch<T>(path)) : apiFetch<T>(path);
}
