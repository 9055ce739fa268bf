import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScopes } from '../auth/scopes';
import { ApiInputErrors, ApiKeyAuth, ErrorDto } from '../common/api-docs';
import { CreatePartnerDto, IssuedPartnerDto, PartnerViewDto } from './dto/partner.dto';
import { AppIdPipe } from './app-id.pipe';
import { type IssuedPartner, PartnerCredentialsService, type PartnerView } from './partner-credentials.service';

@ApiTags('admin')
@ApiKeyAuth()
@Controller('v1/admin/partners')
@RequireScopes('keys:admin')
@ApiServiceUnavailableResponse({ type: ErrorDto, description: 'PARTNER_SECRET_KEY is not set' })
export class PartnersController {
  constructor(private readonly partners: PartnerCredentialsService) {}

  @Post()
  @ApiOperation({ summary: 'Issue an appId and secret to a Haide or Huina system of this mall (secret shown once)' })
  @ApiCreatedResponse({ type: IssuedPartnerDto })
  @ApiInputErrors()
  create(@Body() dto: CreatePartnerDto): Promise<IssuedPartner> {
    return this.partners.create(dto.kind, (dto.kind === 'haide' ? dto.orgCode : dto.customerId) ?? '', dto.name);
  }

  @Get()
  @ApiOperation({ summary: 'List the partner credentials of this mall (without secrets)' })
  @ApiOkResponse({ type: PartnerViewDto, isArray: true })
  list(): Promise<PartnerView[]> {
    return this.partners.list();
  }

  @Delete(':appId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a partner credential: its requests are refused with 401 from now on' })
  @ApiNoContentResponse({ description: 'revoked' })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no active partner with that appId' })
  revoke(@Param('appId', AppIdPipe) appId: string): Promise<void> {
    return this.partners.revoke(appId);
  }

  @Post(':appId/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the secret of a partner (the old one stops working at once; shown once)' })
  @ApiOkResponse({ type: IssuedPartnerDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no active partner with that appId' })
  rotate(@Param('appId', AppIdPipe) appId: string): Promise<IssuedPartner> {
    return this.partners.rotate(appId);
  }
}
