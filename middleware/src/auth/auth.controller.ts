import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiInputErrors, ApiKeyAuth, ErrorDto } from '../common/api-docs';
import { UUID_PARAM } from '../common/uuid.pipe';
import { ApiKeysService, type ApiKeyView, type CreatedApiKey } from './api-keys.service';
import { ApiKeyViewDto, CreatedApiKeyDto } from './dto/api-key.view.dto';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { RequireScopes } from './scopes';

@ApiTags('admin')
@ApiKeyAuth()
@Controller('v1/admin/api-keys')
@RequireScopes('keys:admin')
export class AuthController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key of this mall (the secret is in this answer only)' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiInputErrors()
  create(@Body() dto: CreateApiKeyDto): Promise<CreatedApiKey> {
    return this.keys.create(dto.mallMspId, dto.name, dto.scopes);
  }

  @Get()
  @ApiOperation({ summary: 'List the API keys of this mall (without secrets)' })
  @ApiOkResponse({ type: ApiKeyViewDto, isArray: true })
  list(): Promise<ApiKeyView[]> {
    return this.keys.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiNoContentResponse({ description: 'revoked' })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no active key with that ID' })
  revoke(@Param('id', UUID_PARAM) id: string): Promise<void> {
    return this.keys.revoke(id);
  }
}
