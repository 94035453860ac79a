import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RedisServerRepository } from '../redis-server.repository';
import { HealthRegistry } from './health-registry';

/** Probes need no credentials (API §8) and never show key names or secrets. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly redis: RedisServerRepository,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up (restart it if this fails)' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary:
      'Ready for traffic: Redis answers, the subscriber is connected, registered checks pass; 503 otherwise and while shutting down',
  })
  async ready(@Res({ passthrough: true }) res: FastifyReply) {
    const r = await this.registry.readiness();
    if (r.ready) return { status: 'ready' };
    void res.status(503).header('retry-after', '1');
    return { status: 'unavailable', reason: r.reason };
  }

  @Get('redis')
  @ApiOperation({
    summary:
      'Redis INFO figures (summed over masters): connectedClients, usedMemory, usedMemoryHuman, keyspaceHits, keyspaceMisses, hitRate (0..1); 503 with a reason when Redis does not answer',
  })
  async redisHealth(@Res({ passthrough: true }) res: FastifyReply) {
    try {
      const s = await this.redis.stats();
      const stats = {
        connectedClients: s.connectedClients,
        usedMemory: s.usedMemory,
        usedMemoryHuman: s.usedMemoryHuman,
        keyspaceHits: s.keyspaceHits,
        keyspaceMisses: s.keyspaceMisses,
        hitRate: s.hitRate,
      };
      return { status: 'ok', stats };
    } catch {
      void res.status(503).header('retry-after', '1');
      return { status: 'unavailable', reason: 'redis is not answering' };
    }
  }
}
