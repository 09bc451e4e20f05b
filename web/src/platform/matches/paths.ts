/** The API paths of one match, shared by the pages' queries and main.tsx's prefetch (so no React here). */
export function matchPath(id: string): string {
  return `/api/matches/${encodeURIComponent(id)}`;
}

export function replayPath(id: string): string {
  return `${matchPath(id)}/replay`;
}
