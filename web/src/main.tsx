import { refreshSession } from './lib/session';
import { filtersFromSearch } from './platform/history/api';
import { prefetchFirstPage } from './platform/history/prefetch';

// A reload knows no access token yet. This entry is tiny so that the session refresh is on the wire
// before the app's big chunk (React, the router, the pages) has even been downloaded and compiled;
// the pages' requests wait on that one refresh (apiFetch), which the chunk's modules share.
void refreshSession();
void import('./app/boot');
// On the history page its first page follows the refresh at once, while the chunk still loads.
if (/^\/matches\/?$/.test(window.location.pathname)) {
  prefetchFirstPage(filtersFromSearch(new URLSearchParams(window.location.search)));
}
