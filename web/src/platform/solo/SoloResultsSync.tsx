import { useSession } from '../../lib/useSession';
import { useSoloResults } from './useSoloResults';

/**
 * Mounted once by the app's layout, on every page: a result kept while signed out (or offline) is
 * posted as soon as the player is signed in, wherever the sign-in leads them.
 */
export function SoloResultsSync() {
  const { state } = useSession();
  useSoloResults(state === 'signed-in');
  return null;
}
