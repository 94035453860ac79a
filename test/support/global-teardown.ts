import { CLEANUP_KEY, TestGlobals } from './global-setup';

/** Stops what global-setup started (servers from REDIS_URL / REDIS_CLUSTER_NODES are left alone). */
export default async function globalTeardown(): Promise<void> {
  const globals = globalThis as TestGlobals;
  const cleanup = globals[CLEANUP_KEY];
  delete globals[CLEANUP_KEY];
  await cleanup?.();
}
