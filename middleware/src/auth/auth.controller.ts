import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { UUID_PARAM } from '../common/uuid.pipe';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';
import { ApiKeysService, type ApiKeyView, type CreatedApiKey } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { RequireScopes } from './scopes';

@ApiTags('admin')
@ApiSecurity('apiKey')
@Controller('v1/admin/api-keys')
@RequireScopes('admin')
export class AuthController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  create(@Body() dto: CreateApiKeyDto): Promise<CreatedApiKey> {
    return this.keys.create(dto.mallMspId ?? this.config.mallMspId, dto.name, dto.scopes);
  }

  @Get()
  list(): Promise<ApiKeyView[]> {
    return this.keys.list();
  }

  @Delete(':id')
  @HttpCode(204)
  revoke(@Param('id', UUID_PARAM) id: string): Promise<void> {
    return this.keys.revoke(id);
  }
}
