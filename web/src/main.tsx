import { earlyRequests } from './app/earlyRequests';
import { refreshSession } from './lib/session';
import { prefetch } from './lib/prefetch';

// A reload knows no access token yet. This entry is tiny so that the session refresh is on the wire
// before the app's big chunk (React, the router, the pages) has even been downloaded and compiled;
// the pages' requests wait on that one refresh (apiFetch), which the chunk's modules share.
void refreshSession();
void import('./app/boot');
// The page's own first requests follow the refresh at once, while the chunk still loads.
prefetch(earlyRequests(window.location.pathname, window.location.search));
