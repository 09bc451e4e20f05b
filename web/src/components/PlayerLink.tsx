import { Link } from 'react-router';
import { playerName } from '../lib/format';

/** A player's name (lib/format.ts), linked to their stats page when they are a registered player. */
export function PlayerLink({ player }: { player: { user_id?: string | null; username?: string | null; player_id: string } }) {
  const name = playerName(player);
  return player.user_id ? <Link to={`/players/${player.user_id}`}>{name}</Link> : <>{name}</>;
}
