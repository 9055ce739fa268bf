import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WEBHOOK_RESOLVER, systemResolve } from './destination';
import { SubscriptionEntity } from './subscription.entity';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [TypeOrmModule.forFeature([SubscriptionEntity])],
  controllers: [WebhooksController],
  providers: [WebhooksService, { provide: WEBHOOK_RESOLVER, useValue: systemResolve }],
  exports: [WebhooksService],
})
export class WebhooksModule {}
