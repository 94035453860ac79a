/** Injection tokens of the Redis module. `RedisClient` is a Redis or a Cluster (same command API). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
export const REDIS_SUBSCRIBER = Symbol('REDIS_SUBSCRIBER');
