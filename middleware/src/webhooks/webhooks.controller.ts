import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { UUID_PARAM } from '../common/uuid.pipe';
import { ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/scopes';
import { CreateSubscriptionDto, ReplayDto, type Subscription, SubscriptionView } from './dto/subscription.dto';
import { WebhooksService } from './webhooks.service';

const uuid = UUID_PARAM;

@ApiTags('webhooks')
@ApiSecurity('apiKey')
@Controller('v1/subscriptions')
@RequireScopes('admin')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** The answer carries the HMAC secret; it is not shown again. */
  @Post()
  @ApiOkResponse({ type: SubscriptionView })
  create(@Body() dto: CreateSubscriptionDto): Promise<Subscription> {
    return this.webhooks.create(dto);
  }

  @Get()
  @ApiOkResponse({ type: SubscriptionView, isArray: true })
  list(): Promise<Subscription[]> {
    return this.webhooks.list();
  }

  @Get(':id')
  @ApiOkResponse({ type: SubscriptionView })
  get(@Param('id', uuid) id: string): Promise<Subscription> {
    return this.webhooks.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', uuid) id: string): Promise<void> {
    return this.webhooks.remove(id);
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiOkResponse({ type: SubscriptionView })
  replay(@Param('id', uuid) id: string, @Body() dto: ReplayDto): Promise<Subscription> {
    return this.webhooks.replay(id, dto.fromOffset);
  }
}
