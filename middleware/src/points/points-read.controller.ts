import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { type Principal, RequireScopes } from '../auth/scopes';
import { ApiInputErrors, ApiKeyAuth, ErrorDto } from '../common/api-docs';
import { BadInputError } from '../common/errors';
import {
  AccrualQueryDto,
  ClearingQueryDto,
  ConsistencyDto,
  HistoryQueryDto,
  LotsQueryDto,
  MemberQueryDto,
  MerchantListQueryDto,
  RateQueryDto,
  RedemptionQueryDto,
} from './dto/points-api.dto';
import { LEDGER_ID } from './dto/registry.dto';
import { PointsReadService } from './points-read.service';
import type { DailyPointsView, LiabilityView } from './read-model/points-read.store';
import { LiabilityDto } from './dto/liability.dto';
import { DailyPointsDto, DailyQueryDto } from './dto/daily.dto';
import { shanghaiDayRange } from './shanghai-time';
import type { ClearingNet } from './clearing-net';
import { AwaitingStatementsDto, ClearingNetDto, ClearingNetQueryDto } from './dto/clearing-net.dto';
import type { Rec } from './read-model/points-tables';

/** The most days `GET /v1/points/daily` answers in one call (a quarter). */
export const MAX_DAILY_DAYS = 92;

const FROM_CACHE = 'From the projected cache; `consistency=ledger` evaluates the chaincode query on this mall’s peer.';
const id = (name: string, v: string): string => {
  if (!LEDGER_ID.test(v)) throw new BadInputError(`${name} must be a ledger ID`);
  return v;
};
const ANY = { description: 'the record in the shape of the chaincode query', schema: { type: 'object' } } as const;
const LIST = { description: 'records in the shape of the chaincode query', schema: { type: 'array' } } as const;

@ApiTags('points')
@ApiKeyAuth()
@Controller('v1/points')
export class PointsReadController {
  constructor(private readonly reads: PointsReadService) {}

  @Get('programs')
  @RequireScopes('points:read')
  @ApiOperation({ summary: 'Every program of the coalition', description: FROM_CACHE })
  @ApiOkResponse({ ...LIST, schema: { type: 'array', example: [{ programId: 'mallA-points', issuer: 'MallAMSP' }] } })
  @ApiInputErrors()
  programs(@Query() q: ConsistencyDto): Promise<unknown> {
    return this.reads.programs(q.consistency);
  }

  @Get('programs/:programId')
  @RequireScopes('points:read')
  @ApiOperation({ summary: 'One program', description: FROM_CACHE })
  @ApiOkResponse(ANY)
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no such program' })
  program(@Param('programId') programId: string, @Query() q: ConsistencyDto): Promise<unknown> {
    return this.reads.program(id('programId', programId), q.consistency);
  }

  @Get('liabilities')
  @RequireScopes('points:read')
  @ApiOperation({
    summary: 'Liability per program: points outstanding × unit value, and points expiring within 30 days',
    description: 'From the projected cache (every member’s balance).',
  })
  @ApiOkResponse({ type: LiabilityDto, isArray: true })
  liabilities(): Promise<LiabilityView[]> {
    return this.reads.liabilities();
  }

  @Get('daily')
  @RequireScopes('points:read')
  @ApiOperation({
    summary: 'Points accrued, reversed and redeemed per Asia/Shanghai day of one program (at most 92 days)',
    description:
      'From the projected cache (accrual, reversal and redemption tables). Days are Asia/Shanghai calendar days ' +
      '(UTC+8), `from` and `to` both included; every day of the range is listed, days without any at 0. ' +
      'An unknown program is 404.',
  })
  @ApiOkResponse({ type: DailyPointsDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no such program' })
  daily(@Query() q: DailyQueryDto): Promise<DailyPointsView> {
    const { from, to } = dailyRange(q.from, q.to);
    return this.reads.daily(q.programId, q.from, q.to, from, to);
  }

  @Get('merchants')
  @RequireScopes('points:read')
  @ApiOperation({ summary: 'Merchants (of one program)', description: 'From the projected cache.' })
  @ApiOkResponse({ ...LIST, schema: { type: 'array', example: [{ merchantId: 'store-0101', mall: 'MallAMSP' }] } })
  @ApiInputErrors()
  merchants(@Query() q: MerchantListQueryDto): Promise<unknown> {
    return this.reads.merchants(q.programId);
  }

  @Get('merchants/:merchantId')
  @RequireScopes('points:read')
  @ApiOperation({ summary: 'One merchant', description: FROM_CACHE })
  @ApiOkResponse(ANY)
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no such merchant' })
  merchant(@Param('merchantId') merchantId: string, @Query() q: ConsistencyDto): Promise<unknown> {
    return this.reads.merchant(id('merchantId', merchantId), q.consistency);
  }

  @Get('balances')
  @RequireScopes('points:read')
  @ApiOperation({
    summary: 'A member’s balances per program (available, pending, expiring soon)',
    description: FROM_CACHE,
  })
  @ApiOkResponse({
    description: 'as points:GetBalance',
    schema: {
      type: 'object',
      example: {
        member: 'did:mallchain:zQ3sh…',
        balances: [
          {
            programId: 'mallA-points',
            available: 120,
            pending: 30,
            expiringSoon: 0,
            expiringWithinDays: 30,
            awaitingExpiry: 0,
          },
        ],
      },
    },
  })
  @ApiInputErrors()
  balances(@Query() q: MemberQueryDto): Promise<unknown> {
    return this.reads.balances(q.member, q.programId, q.consistency);
  }

  @Get('lots')
  @RequireScopes('points:read')
  @ApiOperation({ summary: 'A member’s lots, each with its state', description: FROM_CACHE })
  @ApiOkResponse(LIST)
  @ApiInputErrors()
  lots(@Query() q: LotsQueryDto): Promise<unknown> {
    return this.reads.lots(q.member, q.programId, q.includeEmpty ?? false, q.consistency);
  }

  @Get('history')
  @RequireScopes('points:read')
  @ApiOperation({ summary: 'A member’s points history, newest first', description: FROM_CACHE })
  @ApiOkResponse(LIST)
  @ApiInputErrors()
  history(@Query() q: HistoryQueryDto): Promise<unknown> {
    return this.reads.history(q.member, q.limit ?? 100, q.consistency);
  }

  @Get('accruals')
  @RequireScopes('points:read')
  @ApiOperation({ summary: 'The accrual of one source reference (receipt)', description: FROM_CACHE })
  @ApiOkResponse(ANY)
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no accrual with that source reference' })
  accrual(@Query() q: AccrualQueryDto): Promise<unknown> {
    return this.reads.accrual(q.programId, q.sourceRef, q.consistency);
  }

  @Get('redemptions')
  @RequireScopes('points:read')
  @ApiOperation({ summary: 'One redemption at a merchant', description: FROM_CACHE })
  @ApiOkResponse(ANY)
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no such redemption' })
  redemption(@Query() q: RedemptionQueryDto): Promise<unknown> {
    return this.reads.redemption(q.merchant, q.ref, q.consistency);
  }

  @Get('rates')
  @RequireScopes('points:read')
  @ApiOperation({ summary: 'The exchange rate between two programs (proposed or approved)', description: FROM_CACHE })
  @ApiOkResponse(ANY)
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no rate between them' })
  rate(@Query() q: RateQueryDto): Promise<unknown> {
    return this.reads.rate(q.fromProgram, q.toProgram, q.consistency);
  }

  @Get('clearing')
  @RequireScopes('points:read')
  @ApiOperation({ summary: 'Clearing entries (who owes whom) with from ≤ at < to', description: FROM_CACHE })
  @ApiOkResponse(LIST)
  @ApiInputErrors()
  clearing(@Query() q: ClearingQueryDto): Promise<unknown> {
    return this.reads.clearing(q.from, q.to, q.mall, q.consistency);
  }

  @Get('clearing/net')
  @RequireScopes('points:read')
  @ApiOperation({
    summary: 'The clearing window netted: who owes whom once entries both ways are set off, and each mall’s net',
    description: `${FROM_CACHE} The same entries as GET /v1/points/clearing (every mall), netted by the middleware.`,
  })
  @ApiOkResponse({ type: ClearingNetDto })
  @ApiInputErrors()
  clearingNet(@Query() q: ClearingNetQueryDto): Promise<ClearingNet> {
    return this.reads.clearingNet(q.from, q.to, q.consistency);
  }

  @Get('statements')
  @RequireScopes('points:read')
  @ApiOperation({ summary: 'Settlement statements, newest period first', description: 'From the projected cache.' })
  @ApiOkResponse(LIST)
  statements(): Promise<unknown> {
    return this.reads.statements();
  }

  @Get('statements/awaiting')
  @RequireScopes('points:read')
  @ApiOperation({
    summary: 'Statements waiting for this mall’s confirmation: it has a position and has not confirmed (as projected)',
    description:
      'From the projected cache; `mall` is the API key’s mall. Confirm with POST /v1/points/statements/{periodId}/confirm.',
  })
  @ApiOkResponse({ type: AwaitingStatementsDto })
  awaiting(@CurrentPrincipal() p: Principal): Promise<{ mall: string; statements: Rec[] }> {
    return this.reads.awaiting(p.mallMspId);
  }

  @Get('statements/:periodId')
  @RequireScopes('points:read')
  @ApiOperation({ summary: 'One statement with its confirmations', description: FROM_CACHE })
  @ApiOkResponse(ANY)
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no such statement' })
  statement(@Param('periodId') periodId: string, @Query() q: ConsistencyDto): Promise<unknown> {
    return this.reads.statement(periodOf(periodId), q.consistency);
  }
}

/** `<from ISO>..<to ISO>`, the period ID the chaincode gives a statement. */
export function periodOf(periodId: string): string {
  const [from, to, ...rest] = periodId.split('..');
  if (rest.length > 0 || from === undefined || to === undefined || periodId.length > 80)
    throw new BadInputError('periodId must be <from ISO time>..<to ISO time>');
  if (Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to)))
    throw new BadInputError('periodId must be <from ISO time>..<to ISO time>');
  return periodId;
}

/** The instants `[from 00:00, to+1 00:00)` Asia/Shanghai of a daily query; 400 naming the parameter otherwise. */
export function dailyRange(fromDay: string, toDay: string): { from: Date; to: Date } {
  const from = shanghaiDayRange(fromDay)?.from;
  if (!from) throw new BadInputError('from must be a real day yyyy-MM-dd');
  const to = shanghaiDayRange(toDay)?.to;
  if (!to) throw new BadInputError('to must be a real day yyyy-MM-dd');
  if (to <= from) throw new BadInputError('from must not be after to');
  const days = Math.round((to.getTime() - from.getTime()) / 86_400_000);
  if (days > MAX_DAILY_DAYS) throw new BadInputError(`from..to spans ${days} days; at most ${MAX_DAILY_DAYS}`);
  return { from, to };
}
