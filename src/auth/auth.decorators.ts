import { SetMetadata } from '@nestjs/common';
import type { Scope } from './principal';

export const SCOPE_KEY = 'rankfeed:scope';
export const ANONYMOUS_KEY = 'rankfeed:anonymous';
export const PLAYER_SELF_KEY = 'rankfeed:player-self';

/** The scope a route needs. */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_KEY, scope);
/** Callable without credentials; the service then decides (e.g. public boards). */
export const AllowAnonymous = () => SetMetadata(ANONYMOUS_KEY, true);
/**
 * A player session token may call this route only as itself: when the route parameter `param`
 * names its own player (follow as itself, post its own activities, read its own home feed). API
 * keys are unaffected and need the route's scope as usual.
 */
export const PlayerSelf = (param: string) => SetMetadata(PLAYER_SELF_KEY, param);
