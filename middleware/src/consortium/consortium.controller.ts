import type {
  ChaincodeStatus,
  ChannelListing,
  ChannelSummary,
  IdentitySummary,
  OrgIdentities,
} from '@mallchain/fabric-network';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UseFilters } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type Principal, RequireScopes } from '../auth/scopes';
import { UUID_PARAM } from '../common/uuid.pipe';
import type { AuditPage } from './audit.service';
import { ChannelNamePipe } from './channel-name.pipe';
import { ConsortiumErrorFilter } from './consortium-error.filter';
import { ConsortiumService } from './consortium.service';
import { AuditQueryDto } from './dto/audit-query.dto';
import { EndorsementPolicyDto, UpgradeChaincodeDto } from './dto/chaincode.dto';
import { CreateChannelDto } from './dto/create-channel.dto';
import { IssueIdentityDto } from './dto/issue-identity.dto';
import type { OperationEntity } from './operation.entity';
import type { OperationAccepted } from './operations.service';
import { CurrentPrincipal } from './principal.decorator';

@ApiTags('consortium')
@ApiSecurity('apiKey')
@Controller('v1/admin/consortium')
@RequireScopes('admin')
@UseFilters(ConsortiumErrorFilter)
export class ConsortiumController {
  constructor(private readonly consortium: ConsortiumService) {}

  @Get('channels')
  listChannels(@CurrentPrincipal() p: Principal): Promise<ChannelListing[]> {
    return this.consortium.listChannels(p);
  }

  @Get('channels/:name')
  showChannel(@CurrentPrincipal() p: Principal, @Param('name', ChannelNamePipe) name: string): Promise<ChannelSummary> {
    return this.consortium.showChannel(p, name);
  }

  @Post('channels')
  @HttpCode(202)
  createChannel(@CurrentPrincipal() p: Principal, @Body() dto: CreateChannelDto): Promise<OperationAccepted> {
    return this.consortium.createChannel(p, dto);
  }

  @Get('orgs')
  listOrgs(@CurrentPrincipal() p: Principal): Promise<OrgIdentities[]> {
    return this.consortium.listOrgs(p);
  }

  @Get('chaincode')
  chaincodeStatus(@CurrentPrincipal() p: Principal): Promise<ChaincodeStatus> {
    return this.consortium.chaincodeStatus(p);
  }

  @Post('chaincode/upgrade')
  @HttpCode(202)
  upgradeChaincode(@CurrentPrincipal() p: Principal, @Body() dto: UpgradeChaincodeDto): Promise<OperationAccepted> {
    return this.consortium.upgradeChaincode(p, dto);
  }

  @Put('chaincode/endorsement-policy')
  @HttpCode(202)
  setEndorsementPolicy(
    @CurrentPrincipal() p: Principal,
    @Body() dto: EndorsementPolicyDto,
  ): Promise<OperationAccepted> {
    return this.consortium.setEndorsementPolicy(p, dto);
  }

  @Post('identities')
  issueIdentity(@CurrentPrincipal() p: Principal, @Body() dto: IssueIdentityDto): Promise<IdentitySummary> {
    return this.consortium.issueIdentity(p, dto);
  }

  @Get('operations/:id')
  operation(@CurrentPrincipal() p: Principal, @Param('id', UUID_PARAM) id: string): Promise<OperationEntity> {
    return this.consortium.operation(p, id);
  }

  @Get('audit')
  auditLog(@CurrentPrincipal() p: Principal, @Query() query: AuditQueryDto): Promise<AuditPage> {
    return this.consortium.auditLog(p, query);
  }
}
