import { Body, Controller, HttpCode, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../auth/scopes';
import { HaideEnvelopeDto, HaideErrorDto, HaideSalesAnswerDto } from './dto/haide.dto';
import { type HaideAnswer, HaideErrorFilter } from './haide-answer';
import { HaideEnvelopeGuard, type HaideRequest } from './haide-envelope.guard';
import { HaideService, type SalesData } from './haide.service';

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
  constructor(private readonly haide: HaideService) {}

  @Post('sales')
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
}
