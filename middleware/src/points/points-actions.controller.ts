import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthedRequest } from '../auth/api-key.guard';
import { RequireScopes } from '../auth/scopes';
import { ApiInputErrors, ApiKeyAuth, ErrorDto } from '../common/api-docs';
import { BadInputError } from '../common/errors';
import { IntakeAckDto } from '../intake/dto/intake-status.dto';
import type { IntakeAck } from '../intake/intake.types';
import {
  ClaimNamespaceDto,
  ClosePeriodDto,
  ConsolidateLotsDto,
  CreateMerchantDto,
  CreateProgramDto,
  DID,
  ExchangeDto,
  ExpireDto,
  RateDto,
  RedeemDto,
  TransferDto,
} from './dto/points-api.dto';
import { LEDGER_ID } from './dto/registry.dto';
import { PointsActionsService } from './points-actions.service';
import { periodOf } from './points-read.controller';

/** Every write answers like the intake: 202 accepted (durable, on its way), 200 the same request again. */
function Intake(summary: string): MethodDecorator {
  return (target, key, descriptor) => {
    HttpCode(202)(target, key, descriptor);
    ApiOperation({
      summary,
      description: 'Carried to the ledger by the durable intake; status at /v1/intake/{trackingId}.',
    })(target, key, descriptor);
    ApiAcceptedResponse({ type: IntakeAckDto, description: 'accepted, durable' })(target, key, descriptor);
    ApiOkResponse({ type: IntakeAckDto, description: 'the same request again: the original tracking ID' })(
      target,
      key,
      descriptor,
    );
    ApiConflictResponse({ type: ErrorDto, description: 'same key, other content' })(target, key, descriptor);
    ApiInputErrors()(target, key, descriptor);
  };
}

const ADMIN_IDENTITY = { type: ErrorDto, description: 'the middleware does not sign as the mall admin' };

async function answer(ack: Promise<IntakeAck>, reply: FastifyReply): Promise<IntakeAck> {
  const a = await ack;
  void reply.status(a.outcome === 'accepted' ? 202 : 200);
  return a;
}

@ApiTags('points')
@ApiKeyAuth()
@Controller('v1/points')
export class PointsActionsController {
  constructor(private readonly actions: PointsActionsService) {}

  @Post('programs')
  @RequireScopes('consortium:admin')
  @Intake('Register a program issued by this mall (points:RegisterProgram, mall admin)')
  @ApiServiceUnavailableResponse(ADMIN_IDENTITY)
  program(
    @Body() dto: CreateProgramDto,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeAck> {
    return answer(this.actions.registerProgram(dto, req.principal?.keyId), reply);
  }

  @Post('merchants')
  @RequireScopes('consortium:admin')
  @Intake('Register a merchant of this mall in one of its programs (points:RegisterMerchant, mall admin)')
  @ApiServiceUnavailableResponse(ADMIN_IDENTITY)
  merchant(
    @Body() dto: CreateMerchantDto,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeAck> {
    return answer(this.actions.registerMerchant(dto, req.principal?.keyId), reply);
  }

  @Post('namespaces')
  @RequireScopes('consortium:admin')
  @Intake('Claim an ID namespace: other malls can no longer register programs or merchants in it (mall admin)')
  @ApiServiceUnavailableResponse(ADMIN_IDENTITY)
  namespace(
    @Body() dto: ClaimNamespaceDto,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeAck> {
    return answer(this.actions.claimNamespace(dto, req.principal?.keyId), reply);
  }

  @Post('redemptions')
  @RequireScopes('points:write')
  @Intake('Redeem points at a merchant of this mall; another mall’s points need the member’s consent (relayed)')
  redeem(
    @Body() dto: RedeemDto,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeAck> {
    return answer(this.actions.redeem(dto, req.principal?.keyId), reply);
  }

  @Post('transfers')
  @RequireScopes('points:write')
  @Intake('Transfer points between members, signed by the sender (consent relayed)')
  transfer(
    @Body() dto: TransferDto,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeAck> {
    return answer(this.actions.transfer(dto, req.principal?.keyId), reply);
  }

  @Post('exchanges')
  @RequireScopes('points:write')
  @Intake('Exchange points into another program at an approved rate, signed by the member (consent relayed)')
  exchange(
    @Body() dto: ExchangeDto,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeAck> {
    return answer(this.actions.exchange(dto, req.principal?.keyId), reply);
  }

  @Post('rates')
  @RequireScopes('consortium:admin')
  @Intake('Propose an exchange rate between two programs (mall admin of either issuer)')
  @ApiServiceUnavailableResponse(ADMIN_IDENTITY)
  propose(
    @Body() dto: RateDto,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeAck> {
    return answer(this.actions.rate('propose', dto, req.principal?.keyId), reply);
  }

  @Post('rates/approve')
  @RequireScopes('consortium:admin')
  @Intake('Approve the proposed rate, repeating its terms (mall admin of the other issuer)')
  @ApiServiceUnavailableResponse(ADMIN_IDENTITY)
  approve(
    @Body() dto: RateDto,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeAck> {
    return answer(this.actions.rate('approve', dto, req.principal?.keyId), reply);
  }

  @Post('programs/:programId/expire')
  @RequireScopes('points:write')
  @Intake('Run one expiry sweep of a program now (the scheduled job does the same)')
  @ApiNotFoundResponse({ type: ErrorDto, description: 'a program the read model does not know; nothing stored' })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'another mall’s program (names its issuer); nothing stored' })
  expire(
    @Param('programId') programId: string,
    @Body() dto: ExpireDto,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeAck> {
    if (!LEDGER_ID.test(programId)) throw new BadInputError('programId must be a ledger ID');
    return answer(this.actions.expireNow(programId, dto.limit ?? 500, req.principal?.keyId), reply);
  }

  @Post('members/:did/lots/consolidate')
  @RequireScopes('points:write')
  @Intake(
    'Merge a member’s available lots of one expiry day into one (points:ConsolidateLots, the issuing mall); ' +
      'repeat while the result says more',
  )
  consolidate(
    @Param('did') did: string,
    @Body() dto: ConsolidateLotsDto,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeAck> {
    if (!DID.test(did)) throw new BadInputError('did must be a DID (did:<method>:<id>, ≤ 200)');
    return answer(this.actions.consolidateLots(did, dto, req.principal?.keyId), reply);
  }

  @Post('periods/close')
  @RequireScopes('consortium:admin')
  @Intake(
    'Close a settlement period into a statement of net positions (any mall admin); a period larger than one ' +
      'transaction reads is finished in further steps by this middleware',
  )
  @ApiServiceUnavailableResponse(ADMIN_IDENTITY)
  close(
    @Body() dto: ClosePeriodDto,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeAck> {
    return answer(this.actions.closePeriod(dto, req.principal?.keyId), reply);
  }

  @Post('statements/:periodId/confirm')
  @RequireScopes('consortium:admin')
  @Intake('Confirm a statement on behalf of this mall')
  @ApiServiceUnavailableResponse(ADMIN_IDENTITY)
  confirm(
    @Param('periodId') periodId: string,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeAck> {
    return answer(this.actions.confirmStatement(periodOf(periodId), req.principal?.keyId), reply);
  }
}
