import { SetMetadata } from '@nestjs/common';
import type { Scope } from './principal';

export const SCOPE_KEY = 'rankfeed:scope';
export const ANONYMOUS_KEY = 'rankfeed:anonymous';

/** The scope a route needs. */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_KEY, scope);
/** Callable without credentials; the service then decides (e.g. public boards). */
export const AllowAnonymous = () => SetMetadata(ANONYMOUS_KEY, true);
