import type { ConfigProposal } from '@mallchain/fabric-network';
import { Body, Controller, Get, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type Principal, RequireScopes } from '../auth/scopes';
import { UUID_PARAM } from '../common/uuid.pipe';
import { ConsortiumErrorFilter } from './consortium-error.filter';
import { CreateProposalDto } from './dto/create-proposal.dto';
import { ImportProposalDto } from './dto/import-proposal.dto';
import type { OperationAccepted } from './operations.service';
import { CurrentPrincipal } from './principal.decorator';
import { type ProposalStatusView, type ProposalView, ProposalsService } from './proposals.service';

@ApiTags('consortium')
@ApiSecurity('apiKey')
@Controller('v1/admin/consortium/proposals')
@RequireScopes('admin')
@UseFilters(ConsortiumErrorFilter)
export class ProposalsController {
  constructor(private readonly proposals: ProposalsService) {}

  @Get()
  list(@CurrentPrincipal() p: Principal): Promise<ProposalView[]> {
    return this.proposals.list(p);
  }

  @Post()
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateProposalDto): Promise<ProposalView> {
    return this.proposals.create(p, dto);
  }

  @Post('import')
  import(@CurrentPrincipal() p: Principal, @Body() dto: ImportProposalDto): Promise<ProposalView> {
    return this.proposals.import(p, dto);
  }

  @Get(':id')
  status(@CurrentPrincipal() p: Principal, @Param('id', UUID_PARAM) id: string): Promise<ProposalStatusView> {
    return this.proposals.status(p, id);
  }

  @Get(':id/file')
  file(@CurrentPrincipal() p: Principal, @Param('id', UUID_PARAM) id: string): Promise<ConfigProposal> {
    return this.proposals.file(p, id);
  }

  @Post(':id/sign')
  @HttpCode(200)
  sign(@CurrentPrincipal() p: Principal, @Param('id', UUID_PARAM) id: string): Promise<ProposalView> {
    return this.proposals.sign(p, id);
  }

  @Post(':id/submit')
  @HttpCode(202)
  submit(@CurrentPrincipal() p: Principal, @Param('id', UUID_PARAM) id: string): Promise<OperationAccepted> {
    return this.proposals.submit(p, id);
  }
}
