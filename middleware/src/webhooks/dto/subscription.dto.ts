import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Min,
} from 'class-validator';

export const EVENT_TYPES = [
  'ledger.changes',
  'intake.committed',
  'intake.dead',
  'intake.stalled',
  'intake.requeued',
  'webhook.paused',
  'projection.quarantined',
] as const;

export class CreateSubscriptionDto {
  @ApiProperty({ example: 'https://erp.mall-a.example.com/hooks/mallchain' })
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'url must be an http(s) URL' },
  )
  @Length(1, 2048)
  url!: string;

  @ApiPropertyOptional({ enum: EVENT_TYPES, isArray: true, description: 'Defaults to every type' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(EVENT_TYPES, { each: true })
  eventTypes?: string[];

  @ApiPropertyOptional({ description: 'HMAC key (at least 32 characters); generated when absent' })
  @IsOptional()
  @IsString()
  @Length(32, 256)
  secret?: string;

  @ApiPropertyOptional({ description: 'Start after this event sequence number; default: only new events' })
  @IsOptional()
  @IsInt()
  @Min(0)
  fromOffset?: number;
}

export class ReplayDto {
  @ApiProperty({ description: 'Deliver again every event with a sequence number above this' })
  @IsInt()
  @Min(0)
  fromOffset!: number;
}

export interface Subscription {
  readonly id: string;
  readonly url: string;
  readonly eventTypes: string[];
  readonly offset: string;
  readonly status: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly lastDeliveredAt: Date | null;
  readonly secret?: string;
}

export class SubscriptionView implements Subscription {
  @ApiProperty() id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ isArray: true, enum: EVENT_TYPES }) eventTypes!: string[];
  @ApiProperty({ description: 'sequence number of the last acknowledged event' }) offset!: string;
  @ApiProperty({ enum: ['active', 'failing', 'paused'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) lastError!: string | null;
  @ApiPropertyOptional({ type: Date, nullable: true }) lastDeliveredAt!: Date | null;
  @ApiPropertyOptional({ description: 'returned only when the subscription is created' }) secret?: string;
}
