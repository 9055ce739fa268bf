import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScopes } from '../auth/scopes';
import { ApiInputErrors, ApiKeyAuth, ErrorDto } from '../common/api-docs';
import { ParticipationDto, type ParticipationView, ProposeRoundDto, RoundDto } from './dto/round.dto';
import { JointStatsService, type RoundWithParticipation } from './jointstats.service';
import { RoundIdPipe } from './round-id.pipe';
import type { RoundRecord } from '../ledger/domain/jointstats.ledger';

@ApiTags('jointstats')
@ApiKeyAuth()
@Controller('v1/jointstats/rounds')
export class JointStatsController {
  constructor(private readonly stats: JointStatsService) {}

  @Post()
  @HttpCode(202)
  @RequireScopes('consortium:admin')
  @ApiOperation({
    summary: 'Propose a joint-statistics round; this mall’s job proposes it on the ledger and takes part (202)',
  })
  @ApiBody({ type: ProposeRoundDto })
  @ApiAcceptedResponse({ type: ParticipationDto, description: 'approved here; the job carries it to the ledger' })
  @ApiOkResponse({ type: ParticipationDto, description: 'the same proposal again' })
  @ApiInputErrors()
  @ApiConflictResponse({ type: ErrorDto, description: 'the round exists, other terms, or it would allow differencing' })
  @ApiServiceUnavailableResponse({ type: ErrorDto, description: 'JOINT_STATS_KEY is not set' })
  async propose(
    @Body() body: ProposeRoundDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ParticipationView> {
    const { participation, created } = await this.stats.propose(body);
    void reply.status(created ? 202 : 200);
    return participation;
  }

  @Post(':roundId/approve')
  @HttpCode(202)
  @RequireScopes('consortium:admin')
  @ApiOperation({ summary: 'Approve another mall’s round: this mall’s job joins, deals, publishes its partial (202)' })
  @ApiAcceptedResponse({ type: ParticipationDto })
  @ApiOkResponse({ type: ParticipationDto, description: 'approved before' })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no such round on the ledger' })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'this mall is not a participant' })
  @ApiConflictResponse({ type: ErrorDto, description: 'too late to join, or it would allow differencing' })
  @ApiServiceUnavailableResponse({ type: ErrorDto, description: 'JOINT_STATS_KEY is not set' })
  async approve(
    @Param('roundId', RoundIdPipe) roundId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ParticipationView> {
    const { participation, created } = await this.stats.approve(roundId);
    void reply.status(created ? 202 : 200);
    return participation;
  }

  @Get()
  @RequireScopes('stats:read')
  @ApiOperation({ summary: 'Rounds this mall takes part in (ledger), with its participation where it approved' })
  @ApiOkResponse({
    description: '`{ rounds: [...] }`',
    schema: { example: { rounds: [{ roundId: 'district-2026-03-01-visitors', participation: null }] } },
  })
  list(): Promise<{ rounds: (RoundRecord & { participation: ParticipationView | null })[] }> {
    return this.stats.list();
  }

  @Get(':roundId')
  @RequireScopes('stats:read')
  @ApiOperation({ summary: 'Follow a round: phase, who joined, dealt, published, complaints, and the result' })
  @ApiOkResponse({ type: RoundDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no such round on the ledger' })
  get(@Param('roundId', RoundIdPipe) roundId: string): Promise<RoundWithParticipation> {
    return this.stats.get(roundId);
  }
}
