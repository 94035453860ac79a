import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { register } from 'prom-client';

/** Prometheus scrape endpoint; no credentials, like the probes (API §8). */
@ApiTags('ops')
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('content-type', register.contentType)
  @Header('cache-control', 'no-store')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'Prometheus text exposition of every rankfeed_* metric' })
  metrics(): Promise<string> {
    return register.metrics();
  }
}
