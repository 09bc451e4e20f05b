import { Link } from 'react-router';
import { formatNumber } from '../../lib/format';
import { useMatchAnalysis } from './api';

/** A verified solo run's key presses and finesse (docs/api.md, match analysis), on its match page. */
export function SoloFinesse({ matchId }: { matchId: string }) {
  const query = useMatchAnalysis(matchId, true);
  const player = query.data?.players[0];
  // Nothing while it loads or when it cannot be had: the page's figures above stand on their own.
  if (!player || player.key_presses == null) return null;
  return (
    <section aria-labelledby="finesse-heading">
      <h2 id="finesse-heading">Key presses and finesse</h2>
      <p>
        {formatNumber(player.key_presses)} key presses
        {player.kpp !== null && `, ${formatNumber(player.kpp, 2)} a piece`}.
        {player.finesse_faults != null && player.finesse_judged != null && (
          <>
            {' '}
            {player.finesse_faults} finesse {player.finesse_faults === 1 ? 'fault' : 'faults'} in {player.finesse_judged} judged
            placements (more presses than the fewest that reach the same place; pieces soft dropped or held are not judged),{' '}
            <Link to={`/matches/${matchId}/replay`}>marked on the replay’s timeline</Link>.
          </>
        )}
      </p>
    </section>
  );
}
