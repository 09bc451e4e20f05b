import { useSearchParams } from 'react-router';
import { useSession } from '../../lib/useSession';
import { useMyEvents } from '../live/useMyEvents';
import { filtersFromSearch } from './api';
import { MatchHistory } from './MatchHistory';
import { useHistory } from './useHistory';

/** /matches: the filters live in the URL's query string under the API's names (mode, since, until). */
export function HistoryPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFromSearch(params);
  const history = useHistory(filters);
  const { userId } = useSession();
  useMyEvents(); // a match recorded meanwhile appears without a reload

  const setFilter = (name: 'mode' | 'since' | 'until', value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  return (
    <section>
      <h1>Your matches</h1>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          Mode
          <select name="mode" value={filters.mode} onChange={(event) => setFilter('mode', event.target.value)}>
            <option value="">All</option>
            <option value="multiplayer">Multiplayer</option>
            <option value="solo">Solo</option>
          </select>
        </label>
        <label>
          From
          <input type="date" name="since" value={filters.since} onChange={(event) => setFilter('since', event.target.value)} />
        </label>
        <label>
          To
          <input type="date" name="until" value={filters.until} onChange={(event) => setFilter('until', event.target.value)} />
        </label>
      </form>
      <MatchHistory history={history} userId={userId} />
    </section>
  );
}
