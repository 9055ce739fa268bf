import { Body, Controller, Get, HttpCode, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { BodyLimit } from '../../common/body-limit';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../auth/scopes';
import {
  HaideEnvelopeDto,
  HaideErrorDto,
  HaideMemberAnswerDto,
  HaideMemberQueryEnvelopeDto,
  HaideReconciliationAnswerDto,
  HaideSalesAnswerDto,
} from './dto/haide.dto';
import { type HaideAnswer, HaideErrorFilter, ok } from './haide-answer';
import { HaideEnvelopeGuard, type HaideRequest } from './haide-envelope.guard';
import { type Reconciliation, HaideService, type SalesData } from './haide.service';
import type { MemberAnswer } from './member-query';
import type { ReceiptResult } from './sales.service';
import {
  HaideAdjustAnswerDto,
  HaideAdjustEnvelopeDto,
  HaideRedeemAnswerDto,
  HaideRedeemEnvelopeDto,
} from './dto/spend.dto';
import { type AdjustAnswer, PointsSpendService, type RedeemAnswer } from './points-spend.service';

/** Haide-style POS endpoints: authenticated by the signed envelope in the body, not by an API key. */
@ApiTags('haide')
@Public()
@Controller('haide/v1')
@UseGuards(HaideEnvelopeGuard)
@UseFilters(HaideErrorFilter)
@ApiBadRequestResponse({ type: HaideErrorDto, description: 'malformed envelope or data; the message names the field' })
@ApiUnauthorizedResponse({
  type: HaideErrorDto,
  description:
    'unknown or revoked appId, orgCode not of that appId, sign mismatch, timestamp off by > 5 min, nonce reused',
})
export class HaideController {
  constructor(
    private readonly haide: HaideService,
    private readonly spend: PointsSpendService,
  ) {}

  @Post('points/redeem')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Redeem at the till's merchant: home-mall points without consent, another mall's points with the wallet consent",
  })
  @ApiBody({ type: HaideRedeemEnvelopeDto })
  @ApiOkResponse({ type: HaideRedeemAnswerDto, description: 'committed on the ledger; data.balance is the new one' })
  @ApiAcceptedResponse({ type: HaideRedeemAnswerDto, description: 'accepted, not committed yet; expected balance' })
  @ApiConflictResponse({
    type: HaideErrorDto,
    description: 'same flowNo, other content; consent used already; too few points',
  })
  async redeem(
    @Body() _body: Record<string, unknown>,
    @Req() req: HaideRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HaideAnswer<RedeemAnswer>> {
    const { httpStatus, answer } = await this.spend.redeem(req);
    void reply.status(httpStatus);
    return ok(answer, answer.status);
  }

  @Post('points/adjust')
  @HttpCode(200)
  @ApiOperation({ summary: 'A manual correction with a reason code: a credit accrues, a debit is points:Adjust' })
  @ApiBody({ type: HaideAdjustEnvelopeDto })
  @ApiOkResponse({ type: HaideAdjustAnswerDto, description: 'committed on the ledger' })
  @ApiAcceptedResponse({ type: HaideAdjustAnswerDto, description: 'accepted, not committed yet' })
  @ApiConflictResponse({ type: HaideErrorDto, description: 'same adjustNo, other content; too few points' })
  async adjust(
    @Body() _body: Record<string, unknown>,
    @Req() req: HaideRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HaideAnswer<AdjustAnswer>> {
    const { httpStatus, answer } = await this.spend.adjust(req);
    void reply.status(httpStatus);
    return ok(answer, answer.status);
  }

  @Post('sales')
  @BodyLimit('batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Upload one receipt or { receipts: [...≤ 1000] } (saleSave); durable when answered' })
  @ApiBody({ type: HaideEnvelopeDto })
  @ApiOkResponse({ type: HaideSalesAnswerDto, description: 'a batch (per receipt results), or a duplicate' })
  @ApiAcceptedResponse({ type: HaideSalesAnswerDto, description: 'one receipt, accepted' })
  @ApiConflictResponse({ type: HaideSalesAnswerDto, description: 'one receipt: same key, other content' })
  async sales(
    @Body() _body: Record<string, unknown>,
    @Req() req: HaideRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HaideAnswer<SalesData>> {
    const { status, answer } = await this.haide.sales(req);
    void reply.status(status);
    return answer;
  }

  @Get('reconciliation')
  @ApiOperation({
    summary: 'Day-end figures per till (Asia/Shanghai business day); the envelope travels in the query string',
  })
  @ApiQuery({ name: 'appId', example: 'hd_3f9a0c1b2d4e5f6a7b8c9d0e' })
  @ApiQuery({ name: 'timestamp', example: '1772345109000' })
  @ApiQuery({ name: 'nonce', example: 'a1b2c3d4e5f6' })
  @ApiQuery({ name: 'orgCode', example: 'MALL-A' })
  @ApiQuery({ name: 'businessDate', example: '2026-03-01' })
  @ApiQuery({
    name: 'verify',
    required: false,
    enum: ['ledger'],
    description:
      "ledger: recompute the committed figures from this mall's peer (≤ 5,000 committed items a day, else 413)",
  })
  @ApiQuery({ name: 'sign', description: 'over data = { businessDate, orgCode, verify? }' })
  @ApiOkResponse({ type: HaideReconciliationAnswerDto })
  reconciliation(@Req() req: HaideRequest): Promise<HaideAnswer<Reconciliation>> {
    return this.haide.reconciliation(req);
  }

  @Post('member/query')
  @HttpCode(200)
  @ApiOperation({ summary: 'A member by cardNo, mobile or memberId, with points from the ledger' })
  @ApiBody({ type: HaideMemberQueryEnvelopeDto })
  @ApiOkResponse({ type: HaideMemberAnswerDto })
  @ApiNotFoundResponse({ type: HaideErrorDto, description: 'no member with that account' })
  memberQuery(@Body() _body: Record<string, unknown>, @Req() req: HaideRequest): Promise<HaideAnswer<MemberAnswer>> {
    return this.haide.memberQuery(req);
  }

  @Post('sales/batch')
  @BodyLimit('batch', { ndjson: 'text' })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Day-end upload: JSON Lines, one receipt a line; envelope in the query, data = { orgCode, sha256 }',
  })
  @ApiConsumes('application/x-ndjson')
  @ApiQuery({ name: 'appId' })
  @ApiQuery({ name: 'timestamp' })
  @ApiQuery({ name: 'nonce' })
  @ApiQuery({ name: 'orgCode' })
  @ApiQuery({ name: 'sha256', description: 'hex SHA-256 of the body bytes' })
  @ApiQuery({ name: 'sign', description: 'over data = { orgCode, sha256 }' })
  @ApiBody({ schema: { type: 'string', example: '{"posNo":"P001","flowNo":"F1",…}\n{"posNo":"P001",…}\n' } })
  @ApiOkResponse({ type: HaideSalesAnswerDto, description: 'data = { receipts: [one result per line] }' })
  salesBatch(@Body() body: string, @Req() req: HaideRequest): Promise<HaideAnswer<{ receipts: ReceiptResult[] }>> {
    return this.haide.salesBatch(req, body);
  }
}
