import { Controller, Get, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/scopes';
import { ApiInputErrors, ApiKeyAuth, ErrorDto } from '../common/api-docs';
import { TrafficSeriesDto } from './dto/huina.dto';
import { ProofStatusDto, SiteDto } from './dto/traffic-console.dto';
import type { SiteRow } from './site-tree';
import { type BucketQuery, BucketQueryPipe, type TrafficQuery, TrafficQueryPipe } from './traffic-query';
import { INTERVALS } from './traffic.validator';
import { type ProofStatus, TrafficReadService, type TrafficSeries } from './traffic-read.service';

/**
 * The Huina counting reads for this mall's operators (API key, plain JSON; the `/huina/v1` routes are the partner's,
 * signed with X-Ca-*). Same scope as the traffic evidence routes: no read scope split off yet.
 */
@ApiTags('traffic')
@ApiKeyAuth()
@Controller('v1/traffic')
@RequireScopes('devices:write')
export class TrafficConsoleController {
  constructor(private readonly reads: TrafficReadService) {}

  @Get('sites')
  @ApiOperation({ summary: 'The site tree (mall, floors, entrances…), each site with its parent' })
  @ApiOkResponse({ type: SiteDto, isArray: true })
  sites(): Promise<SiteRow[]> {
    return this.reads.sites();
  }

  @Get('series')
  @ApiOperation({ summary: 'Counts of a site and the sum of its children, rolled up to the interval' })
  @ApiQuery({ name: 'siteKey', required: true })
  @ApiQuery({ name: 'from', required: true, description: 'yyyy-MM-dd HH:mm:ss (Asia/Shanghai), inclusive' })
  @ApiQuery({ name: 'to', required: true, description: 'exclusive; at most 31 days after from' })
  @ApiQuery({ name: 'interval', required: true, enum: INTERVALS })
  @ApiOkResponse({ type: TrafficSeriesDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'unknown site' })
  series(@Query(TrafficQueryPipe) q: TrafficQuery): Promise<TrafficSeries> {
    return this.reads.series(q);
  }

  @Get('proof-status')
  @ApiOperation({ summary: "A bucket's proof status: verified, edited since anchoring, pending or unproven" })
  @ApiQuery({ name: 'siteKey', required: true })
  @ApiQuery({ name: 'dataTime', required: true, description: 'yyyy-MM-dd HH:mm:ss (Asia/Shanghai)' })
  @ApiQuery({ name: 'interval', required: true, enum: INTERVALS })
  @ApiOkResponse({ type: ProofStatusDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no such bucket' })
  proofStatus(@Query(BucketQueryPipe) q: BucketQuery): Promise<ProofStatus> {
    return this.reads.proofStatus(q);
  }
}
