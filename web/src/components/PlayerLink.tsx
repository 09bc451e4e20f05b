import { Link } from 'react-router';
import { playerName } from '../lib/format';

type Player = { user_id?: string | null; username?: string | null; player_id: string };

/** A player's name (lib/format.ts), linked to their stats page when they are a registered player.
 *
 * Cut with an ellipsis where it is too long for its place (docs/api.md): the whole name stays
 * the element's text, which screen readers read, and its title, which a pointer's hover shows. */
export function PlayerLink({ player }: { player: Player }) {
  const name = playerName(player);
  return player.user_id ? (
    <Link className="name" title={name} to={`/players/${player.user_id}`}>
      {name}
    </Link>
  ) : (
    <span className="name" title={name}>
      {name}
    </span>
  );
}
