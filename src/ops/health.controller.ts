import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { HealthRepository } from './health.repository';

/** Probes need no credentials (API §8). */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthRepository) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Redis answers and the subscriber connection is up; 503 otherwise' })
  async ready(@Res({ passthrough: true }) res: FastifyReply) {
    const redis = await this.health.ping();
    const subscriber = this.health.subscriberConnected();
    if (redis && subscriber) return { status: 'ready' };
    void res.status(503).header('retry-after', '1');
    const reason = !redis ? 'redis is not answering' : 'redis subscriber connection is down';
    return { status: 'unavailable', reason };
  }
}
