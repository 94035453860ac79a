import { Module } from '@nestjs/common';
import { LiveConnectionLimits } from './live-connection-limits';
import { RateLimitRepository } from './rate-limit.repository';
import { RateLimitService } from './rate-limit.service';

/**
 * Rate limits (API §6, §9): write token buckets and read sliding windows in Redis, enforced by
 * RateLimitGuard (a global guard, see app.module.ts); /live admission for the socket.io adapter.
 */
@Module({
  providers: [RateLimitRepository, RateLimitService, LiveConnectionLimits],
  exports: [RateLimitService, LiveConnectionLimits],
})
export class RateLimitModule {}
