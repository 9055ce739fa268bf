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
import { RequireScopes } from '../auth/scopes';
import { CreateSubscriptionDto, ReplayDto, type Subscription, SubscriptionView } from './dto/subscription.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiKeyAuth()
@Controller('v1/subscriptions')
@RequireScopes('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({ summary: 'Subscribe a URL to events; the answer carries the HMAC secret, not shown again' })
  @ApiCreatedResponse({ type: SubscriptionView })
  @ApiInputErrors()
  create(@Body() dto: CreateSubscriptionDto): Promise<Subscription> {
    return this.webhooks.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List the subscriptions' })
  @ApiOkResponse({ type: SubscriptionView, isArray: true })
  list(): Promise<Subscription[]> {
    return this.webhooks.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'A subscription with its delivery state' })
  @ApiOkResponse({ type: SubscriptionView })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto })
  get(@Param('id', UUID_PARAM) id: string): Promise<Subscription> {
    return this.webhooks.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a subscription' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto })
  remove(@Param('id', UUID_PARAM) id: string): Promise<void> {
    return this.webhooks.remove(id);
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deliver again every event after an offset' })
  @ApiOkResponse({ type: SubscriptionView })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto })
  replay(@Param('id', UUID_PARAM) id: string, @Body() dto: ReplayDto): Promise<Subscription> {
    return this.webhooks.replay(id, dto.fromOffset);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Resume a subscription paused after WEBHOOK_MAX_ATTEMPTS failed deliveries, from where it stopped',
  })
  @ApiOkResponse({ type: SubscriptionView })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto })
  resume(@Param('id', UUID_PARAM) id: string): Promise<Subscription> {
    return this.webhooks.resume(id);
  }
}
