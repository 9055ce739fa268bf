import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';

/** Same rules as the chaincode's `info:PutNote`, so a bad note is refused before it is stored. */
export class CreateNoteDto {
  @ApiProperty({ example: 'hello-1', maxLength: 128 })
  @IsString()
  @Length(1, 128)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:@\-/]*$/, { message: 'id may contain only letters, digits and . _ : @ - /' })
  id!: string;

  @ApiProperty({ example: 'first note', maxLength: 1024 })
  @IsString()
  @Length(1, 1024)
  text!: string;
}

export class ReadQueryDto {
  @ApiPropertyOptional({ enum: ['cache', 'ledger'], default: 'cache' })
  @IsOptional()
  @IsIn(['cache', 'ledger'])
  consistency?: 'cache' | 'ledger';
}

/** A note as served (from the cache or from the ledger). */
export interface NoteView {
  readonly id: string;
  readonly text: string;
  readonly writtenBy: string;
  readonly writtenAt: string;
  readonly txId?: string;
  readonly blockNumber?: string;
  readonly source: 'cache' | 'ledger';
}

export interface BatchItemResult {
  readonly id: string;
  readonly outcome: 'accepted' | 'duplicate' | 'rejected';
  readonly trackingId?: string;
  readonly message?: string;
}

export class NoteDto implements NoteView {
  @ApiProperty() id!: string;
  @ApiProperty() text!: string;
  @ApiProperty() writtenBy!: string;
  @ApiProperty() writtenAt!: string;
  @ApiPropertyOptional({ description: 'absent when read from the ledger' }) txId?: string;
  @ApiPropertyOptional({ description: 'absent when read from the ledger' }) blockNumber?: string;
  @ApiProperty({ enum: ['cache', 'ledger'] }) source!: 'cache' | 'ledger';
}

/** Up to 1,000 notes in one request (how a POS uploads receipts): each is accepted or refused on its own. */
export class CreateNotesBatchDto {
  @ApiProperty({ type: CreateNoteDto, isArray: true, maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => CreateNoteDto)
  notes!: CreateNoteDto[];
}

export class BatchItemResultDto implements BatchItemResult {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['accepted', 'duplicate', 'rejected'] }) outcome!: 'accepted' | 'duplicate' | 'rejected';
  @ApiPropertyOptional({ format: 'uuid' }) trackingId?: string;
  @ApiPropertyOptional() message?: string;
}
