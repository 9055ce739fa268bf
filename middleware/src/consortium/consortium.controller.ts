import type {
  ChaincodeStatus,
  ChannelListing,
  ChannelSummary,
  IdentitySummary,
  OrgIdentities,
} from '@mallchain/fabric-network';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UseFilters } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiInputErrors, ApiKeyAuth } from '../common/api-docs';
import { type Principal, RequireScopes } from '../auth/scopes';
import { UUID_PARAM } from '../common/uuid.pipe';
import type { AuditPage } from './audit.service';
import { ChannelNamePipe } from './channel-name.pipe';
import { ApiConsortiumErrors } from './admin-errors.docs';
import { ConsortiumErrorFilter } from './consortium-error.filter';
import { ConsortiumService } from './consortium.service';
import { AuditQueryDto } from './dto/audit-query.dto';
import { EndorsementPolicyDto, UpgradeChaincodeDto } from './dto/chaincode.dto';
import {
  AuditPageDto,
  ChaincodeStatusDto,
  ChannelListingDto,
  ChannelSummaryDto,
  IdentitySummaryDto,
  OperationAcceptedDto,
  OperationDto,
  OrgIdentitiesDto,
} from './dto/consortium-views.dto';
import { CreateChannelDto } from './dto/create-channel.dto';
import { IssueIdentityDto } from './dto/issue-identity.dto';
import type { OperationEntity } from './operation.entity';
import type { OperationAccepted } from './operations.service';
import { CurrentPrincipal } from '../auth/principal.decorator';

@ApiTags('consortium')
@ApiKeyAuth()
@ApiConsortiumErrors()
@Controller('v1/admin/consortium')
@RequireScopes('consortium:admin')
@UseFilters(ConsortiumErrorFilter)
export class ConsortiumController {
  constructor(private readonly consortium: ConsortiumService) {}

  @Get('channels')
  @ApiOperation({ summary: 'Every channel an orderer serves: members, orderers, block height per peer' })
  @ApiOkResponse({ type: ChannelListingDto, isArray: true })
  listChannels(@CurrentPrincipal() p: Principal): Promise<ChannelListing[]> {
    return this.consortium.listChannels(p);
  }

  @Get('channels/:name')
  @ApiOperation({ summary: 'A channel config in readable form' })
  @ApiOkResponse({ type: ChannelSummaryDto })
  @ApiInputErrors()
  showChannel(@CurrentPrincipal() p: Principal, @Param('name', ChannelNamePipe) name: string): Promise<ChannelSummary> {
    return this.consortium.showChannel(p, name);
  }

  @Post('channels')
  @HttpCode(202)
  @ApiOperation({ summary: 'Create a channel and join the orderers and the malls’ peers (long operation)' })
  @ApiAcceptedResponse({ type: OperationAcceptedDto })
  @ApiInputErrors()
  createChannel(@CurrentPrincipal() p: Principal, @Body() dto: CreateChannelDto): Promise<OperationAccepted> {
    return this.consortium.createChannel(p, dto);
  }

  @Get('orgs')
  @ApiOperation({ summary: 'Each mall’s identities (from its MSP folders) and admins' })
  @ApiOkResponse({ type: OrgIdentitiesDto, isArray: true })
  listOrgs(@CurrentPrincipal() p: Principal): Promise<OrgIdentities[]> {
    return this.consortium.listOrgs(p);
  }

  @Get('chaincode')
  @ApiOperation({ summary: 'Installed packages and approvals per org; the committed definition' })
  @ApiOkResponse({ type: ChaincodeStatusDto })
  chaincodeStatus(@CurrentPrincipal() p: Principal): Promise<ChaincodeStatus> {
    return this.consortium.chaincodeStatus(p);
  }

  @Post('chaincode/upgrade')
  @HttpCode(202)
  @ApiOperation({ summary: 'Upgrade the chaincode to a new sequence (long operation)' })
  @ApiAcceptedResponse({ type: OperationAcceptedDto })
  @ApiInputErrors()
  upgradeChaincode(@CurrentPrincipal() p: Principal, @Body() dto: UpgradeChaincodeDto): Promise<OperationAccepted> {
    return this.consortium.upgradeChaincode(p, dto);
  }

  @Put('chaincode/endorsement-policy')
  @HttpCode(202)
  @ApiOperation({ summary: 'Set the endorsement policy in a new sequence (long operation)' })
  @ApiAcceptedResponse({ type: OperationAcceptedDto })
  @ApiInputErrors()
  setEndorsementPolicy(
    @CurrentPrincipal() p: Principal,
    @Body() dto: EndorsementPolicyDto,
  ): Promise<OperationAccepted> {
    return this.consortium.setEndorsementPolicy(p, dto);
  }

  @Post('identities')
  @ApiOperation({ summary: 'Issue a client identity of this mall' })
  @ApiCreatedResponse({ type: IdentitySummaryDto })
  @ApiInputErrors()
  issueIdentity(@CurrentPrincipal() p: Principal, @Body() dto: IssueIdentityDto): Promise<IdentitySummary> {
    return this.consortium.issueIdentity(p, dto);
  }

  @Get('operations/:id')
  @ApiOperation({ summary: 'A long operation: status, progress lines, result or error' })
  @ApiOkResponse({ type: OperationDto })
  @ApiInputErrors()
  operation(@CurrentPrincipal() p: Principal, @Param('id', UUID_PARAM) id: string): Promise<OperationEntity> {
    return this.consortium.operation(p, id);
  }

  @Get('audit')
  @ApiOperation({ summary: 'The audit log, newest first' })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiInputErrors()
  auditLog(@CurrentPrincipal() p: Principal, @Query() query: AuditQueryDto): Promise<AuditPage> {
    return this.consortium.auditLog(p, query);
  }
}
