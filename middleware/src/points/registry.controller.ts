import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScopes } from '../auth/scopes';
import { ApiInputErrors, ApiKeyAuth, ErrorDto } from '../common/api-docs';
import { BadInputError } from '../common/errors';
import { UUID_PARAM } from '../common/uuid.pipe';
import {
  CODE,
  CODE_RULE,
  EarnRuleDto,
  EnrolledMemberDto,
  EnrollMemberDto,
  LEDGER_ID,
  MemberDto,
  PutEarnRuleDto,
  PutTillDto,
  TillDto,
  TillQueryDto,
  multiplierProblem,
} from './dto/registry.dto';
import { type EnrolledView, MembersService, type MemberView } from './members.service';
import { type EarnRuleView, PointsRegistryService, type TillView } from './registry.service';

function code(name: string, v: string): string {
  if (!CODE.test(v)) throw new BadInputError(`${name} ${CODE_RULE}`);
  return v;
}

@ApiTags('points')
@ApiKeyAuth()
@Controller('v1/points')
export class PointsRegistryController {
  constructor(
    private readonly registry: PointsRegistryService,
    private readonly members: MembersService,
  ) {}

  @Put('tills/:orgCode/:posNo')
  @RequireScopes('points:write')
  @ApiOperation({ summary: 'Register or change a till: posNo → merchant, tenant, program, category' })
  @ApiOkResponse({ type: TillDto })
  @ApiInputErrors()
  putTill(
    @Param('orgCode') orgCode: string,
    @Param('posNo') posNo: string,
    @Body() dto: PutTillDto,
  ): Promise<TillView> {
    const { merchantId, tenant, programId, category } = dto;
    return this.registry.putTill({
      orgCode: code('orgCode', orgCode),
      posNo: code('posNo', posNo),
      merchantId,
      tenant,
      programId,
      category,
    });
  }

  @Get('tills')
  @RequireScopes('points:read')
  @ApiOperation({ summary: 'List the tills (of one orgCode)' })
  @ApiOkResponse({ type: TillDto, isArray: true })
  @ApiInputErrors()
  listTills(@Query() q: TillQueryDto): Promise<TillView[]> {
    return this.registry.listTills(q.orgCode);
  }

  @Delete('tills/:orgCode/:posNo')
  @HttpCode(204)
  @RequireScopes('points:write')
  @ApiOperation({ summary: 'Remove a till: its receipts are refused from now on' })
  @ApiNoContentResponse({ description: 'removed' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no such till' })
  deleteTill(@Param('orgCode') orgCode: string, @Param('posNo') posNo: string): Promise<void> {
    return this.registry.deleteTill(orgCode, posNo);
  }

  @Put('earn-rules/:programId')
  @RequireScopes('points:write')
  @ApiOperation({ summary: 'Set the earn rule of a program (receipts without score earn by it)' })
  @ApiOkResponse({ type: EarnRuleDto })
  @ApiInputErrors()
  putEarnRule(@Param('programId') programId: string, @Body() dto: PutEarnRuleDto): Promise<EarnRuleView> {
    if (!LEDGER_ID.test(programId)) throw new BadInputError('programId must be a ledger ID');
    const problem = multiplierProblem(dto.categoryMultipliers);
    if (problem !== undefined) throw new BadInputError(problem);
    const { pointsPerYuan, rounding, categoryMultipliers, excludedPayCls } = dto;
    return this.registry.putEarnRule({ programId, pointsPerYuan, rounding, categoryMultipliers, excludedPayCls });
  }

  @Get('earn-rules/:programId')
  @RequireScopes('points:read')
  @ApiOperation({ summary: 'The earn rule of a program' })
  @ApiOkResponse({ type: EarnRuleDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no earn rule for that program' })
  getEarnRule(@Param('programId') programId: string): Promise<EarnRuleView> {
    return this.registry.requireEarnRule(programId);
  }

  @Post('members')
  @RequireScopes('points:write')
  @ApiOperation({
    summary:
      'Enroll a member with card numbers (personal data sealed here) and their wallet DID, or without one: then a custodial DID',
  })
  @ApiCreatedResponse({ type: EnrolledMemberDto })
  @ApiInputErrors()
  @ApiConflictResponse({ type: ErrorDto, description: 'DID, mobile or a card already enrolled' })
  enroll(@Body() dto: EnrollMemberDto): Promise<EnrolledView> {
    return this.members.enroll(dto);
  }

  @Get('members/:memberId')
  @RequireScopes('points:read')
  @ApiOperation({ summary: 'A member with personal data and cards' })
  @ApiOkResponse({ type: MemberDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no such member' })
  member(@Param('memberId', UUID_PARAM) memberId: string): Promise<MemberView> {
    return this.members.get(memberId);
  }
}
