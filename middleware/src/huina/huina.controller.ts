import { Body, Controller, Get, HttpCode, Post, Query, Req, UseFilters, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiNotFoundResponse,
  ApiOperation,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '../auth/scopes';
import { BodyLimit } from '../common/body-limit';
import { PushResultDto, TrafficProofDto, TrafficPushDto, TrafficSeriesDto, HuinaErrorDto } from './dto/huina.dto';
import { ApiHuinaConflict, ApiHuinaOk, ApiHuinaSigned } from './huina-api-docs';
import { HuinaErrorFilter, ok, type HuinaEnvelope } from './huina-envelope';
import { HuinaSignatureGuard, type PartnerRequest } from './huina-signature.guard';
import { BucketQueryPipe, type BucketQuery, TrafficQueryPipe, type TrafficQuery } from './traffic-query';
import { TrafficReadService, type TrafficProof, type TrafficSeries } from './traffic-read.service';
import { type PushResult, TrafficService } from './traffic.service';
import { INTERVALS } from './traffic.validator';
import { type TrafficPush, TrafficPushPipe } from './traffic.validator';
import type { PartnerCredential } from './partner-credentials.port';

const partnerOf = (req: PartnerRequest): PartnerCredential => req.partner as PartnerCredential;

/** Huina-style people counting: X-Ca-* signed, answers in the `{ success, statusCode, message, data }` envelope. */
@ApiTags('huina')
@Public()
@ApiHuinaSigned()
@UseGuards(HuinaSignatureGuard)
@UseFilters(HuinaErrorFilter)
@Controller('huina/v1')
export class HuinaController {
  constructor(
    private readonly traffic: TrafficService,
    private readonly reads: TrafficReadService,
  ) {}

  @Post('traffic')
  @BodyLimit('batch')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Push counting buckets (upserted by siteKey, dataTime, interval), optionally device-proven',
  })
  @ApiBody({ type: TrafficPushDto })
  @ApiHuinaOk(PushResultDto, 'per record accepted, replaced, stale or rejected; durable when answered')
  @ApiHuinaConflict('PROOF_INACTIVE (device suspended or revoked) or PROOF_CONFLICT (seq used for other records)')
  @ApiServiceUnavailableResponse({ type: HuinaErrorDto, description: 'a deviceProof needs the peer (device keys)' })
  async push(@Body(TrafficPushPipe) push: TrafficPush, @Req() req: PartnerRequest): Promise<HuinaEnvelope<PushResult>> {
    return ok(await this.traffic.push(push, partnerOf(req)));
  }

  @Get('traffic')
  @ApiOperation({ summary: 'Counts of a site and the sum of its children, rolled up to the interval' })
  @ApiQuery({ name: 'siteKey', required: true })
  @ApiQuery({ name: 'from', required: true, description: 'yyyy-MM-dd HH:mm:ss (Asia/Shanghai), inclusive' })
  @ApiQuery({ name: 'to', required: true, description: 'exclusive; at most 31 days after from' })
  @ApiQuery({ name: 'interval', required: true, enum: INTERVALS })
  @ApiHuinaOk(TrafficSeriesDto, 'own buckets and the children sum, oldest first')
  @ApiNotFoundResponse({ type: HuinaErrorDto, description: 'unknown site' })
  async series(@Query(TrafficQueryPipe) q: TrafficQuery): Promise<HuinaEnvelope<TrafficSeries>> {
    return ok(await this.reads.series(q));
  }

  @Get('traffic/proof')
  @ApiOperation({ summary: 'The device attestation behind a bucket, and whether the stored rows still match it' })
  @ApiQuery({ name: 'siteKey', required: true })
  @ApiQuery({ name: 'dataTime', required: true, description: 'yyyy-MM-dd HH:mm:ss (Asia/Shanghai)' })
  @ApiQuery({ name: 'interval', required: true, enum: INTERVALS })
  @ApiHuinaOk(TrafficProofDto, 'device DID, seq, digest, tx ID, block and matches')
  @ApiNotFoundResponse({ type: HuinaErrorDto, description: 'no such bucket, or it carries no device proof' })
  async proof(@Query(BucketQueryPipe) q: BucketQuery): Promise<HuinaEnvelope<TrafficProof>> {
    return ok(await this.reads.proof(q));
  }
}
