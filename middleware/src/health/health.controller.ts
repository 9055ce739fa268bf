import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/scopes';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
@Public()
@SkipThrottle()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly checks: HealthService,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Postgres, the peer, the projection lag and the intake: 200 when all are up (the intake may say degraded: items stalled), 503 naming what is down',
  })
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.checks.database(),
      () => this.checks.peer(),
      () => this.checks.projectionLag(),
      () => this.checks.intake(),
    ]);
  }
}
