import { Controller, Get, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/scopes';
import { ApiInputErrors, ApiKeyAuth, ErrorDto } from '../common/api-docs';
import { TrafficEvidenceDto } from '../devices/dto/evidence.dto';
import type { TrafficEvidence } from '../devices/evidence';
import { type BucketQuery, BucketQueryPipe } from './traffic-query';
import { TrafficReadService } from './traffic-read.service';

/** `GET /v1/proofs/traffic`: what this mall hands another mall to prove a bucket's figure (API key, not X-Ca-*). */
@ApiTags('devices')
@ApiKeyAuth()
@Controller('v1/proofs')
@RequireScopes('devices:write')
export class TrafficEvidenceController {
  constructor(private readonly reads: TrafficReadService) {}

  @Get('traffic')
  @ApiOperation({ summary: "A bucket's figure with its device attestation and signed records, for another mall" })
  @ApiQuery({ name: 'siteKey', example: 'A-F1-N' })
  @ApiQuery({ name: 'dataTime', example: '2026-11-30 10:00:00' })
  @ApiQuery({ name: 'interval', example: '15' })
  @ApiOkResponse({ type: TrafficEvidenceDto, description: 'POST it to the other mall’s /v1/proofs/traffic/verify' })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no such bucket, or it carries no device proof' })
  evidence(@Query(BucketQueryPipe) q: BucketQuery): Promise<TrafficEvidence> {
    return this.reads.evidence(q);
  }
}
