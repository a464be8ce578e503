import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { SchedMetrics } from '@sched/messaging';
import { HealthIndicators } from './health.indicators';

/** For operators and their tools: health (open, even with an API token) and Prometheus metrics. */
@ApiTags('operations')
@Controller()
export class OpsController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicators,
    private readonly metrics: SchedMetrics,
  ) {}

  @Get('health')
  @HealthCheck()
  @ApiOperation({ summary: 'NATS connected, event store reachable, projector lag within bounds (no token needed)' })
  @ApiResponse({ status: 200, description: 'status ok, with each check\'s details' })
  @ApiResponse({ status: 503, description: 'status error, naming the failed checks' })
  async check(@Res({ passthrough: true }) response: Response) {
    try {
      return await this.health.check([() => this.indicators.nats(), () => this.indicators.eventStore(), () => this.indicators.projector()]);
    } catch (error) {
      // Terminus reports a failed check as a 503 whose body is the full result: pass it on as it is.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(503);
      return error.getResponse();
    }
  }

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics of this process (in the standalone app: of every service)' })
  @ApiBearerAuth()
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'Prometheus text exposition format' })
  @ApiResponse({ status: 401, description: 'UNAUTHORIZED: SCHED_API_TOKEN is set and the bearer token is missing or wrong' })
  async scrape(@Res() response: Response): Promise<void> {
    const { contentType, body } = await this.metrics.exposition();
    response.status(200).type(contentType).send(body);
  }
}
