import type { ConfigProposal } from '@mallchain/fabric-network';
import { Body, Controller, Get, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiInputErrors, ApiKeyAuth } from '../common/api-docs';
import { type Principal, RequireScopes } from '../auth/scopes';
import { BodyLimit } from '../common/body-limit';
import { UUID_PARAM } from '../common/uuid.pipe';
import { ApiConsortiumErrors } from './admin-errors.docs';
import { ConsortiumErrorFilter } from './consortium-error.filter';
import { OperationAcceptedDto } from './dto/consortium-views.dto';
import { CreateProposalDto } from './dto/create-proposal.dto';
import { ImportProposalDto } from './dto/import-proposal.dto';
import { ConfigProposalDto, ProposalStatusViewDto, ProposalViewDto } from './dto/proposal-views.dto';
import type { OperationAccepted } from './operations.service';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { type ProposalStatusView, type ProposalView, ProposalsService } from './proposals.service';

@ApiTags('consortium')
@ApiKeyAuth()
@ApiConsortiumErrors()
@Controller('v1/admin/consortium/proposals')
@RequireScopes('consortium:admin')
@UseFilters(ConsortiumErrorFilter)
export class ProposalsController {
  constructor(private readonly proposals: ProposalsService) {}

  @Get()
  @ApiOperation({ summary: 'Stored proposals, newest first' })
  @ApiOkResponse({ type: ProposalViewDto, isArray: true })
  list(@CurrentPrincipal() p: Principal): Promise<ProposalView[]> {
    return this.proposals.list(p);
  }

  @Post()
  @ApiOperation({ summary: 'Make a config-update proposal and store it' })
  @ApiCreatedResponse({ type: ProposalViewDto })
  @ApiInputErrors()
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateProposalDto): Promise<ProposalView> {
    return this.proposals.create(p, dto);
  }

  @Post('import')
  // A proposal file carries a config update and every signature so far: more than the small default.
  @BodyLimit('batch')
  @ApiOperation({ summary: 'Store a proposal file made elsewhere, or a newer copy of a stored one' })
  @ApiCreatedResponse({ type: ProposalViewDto })
  @ApiInputErrors()
  import(@CurrentPrincipal() p: Principal, @Body() dto: ImportProposalDto): Promise<ProposalView> {
    return this.proposals.import(p, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A stored proposal and whether it is ready to submit now' })
  @ApiOkResponse({ type: ProposalStatusViewDto })
  @ApiInputErrors()
  status(@CurrentPrincipal() p: Principal, @Param('id', UUID_PARAM) id: string): Promise<ProposalStatusView> {
    return this.proposals.status(p, id);
  }

  @Get(':id/file')
  @ApiOperation({ summary: 'The proposal file, to carry to the next mall' })
  @ApiOkResponse({ type: ConfigProposalDto })
  @ApiInputErrors()
  file(@CurrentPrincipal() p: Principal, @Param('id', UUID_PARAM) id: string): Promise<ConfigProposal> {
    return this.proposals.file(p, id);
  }

  @Post(':id/sign')
  @HttpCode(200)
  @ApiOperation({ summary: 'This mall’s admin signs the proposal' })
  @ApiOkResponse({ type: ProposalViewDto })
  @ApiInputErrors()
  sign(@CurrentPrincipal() p: Principal, @Param('id', UUID_PARAM) id: string): Promise<ProposalView> {
    return this.proposals.sign(p, id);
  }

  @Post(':id/submit')
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit a ready proposal as this mall’s admin (long operation)' })
  @ApiAcceptedResponse({ type: OperationAcceptedDto })
  @ApiInputErrors()
  submit(@CurrentPrincipal() p: Principal, @Param('id', UUID_PARAM) id: string): Promise<OperationAccepted> {
    return this.proposals.submit(p, id);
  }
}
