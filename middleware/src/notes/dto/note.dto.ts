import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { NOTE_ID_MAX, NOTE_ID_PATTERN, NOTE_TEXT_MAX, NOTES_PER_BATCH_MAX, type NoteInput } from './note.validator';

/**
 * Same rules as the chaincode's `info:PutNote`, so a bad note is refused before it is stored. The
 * class documents the body (OpenAPI); the rules run in `note.validator.ts` (hot path).
 */
export class CreateNoteDto implements NoteInput {
  @ApiProperty({ example: 'hello-1', maxLength: NOTE_ID_MAX, pattern: NOTE_ID_PATTERN.source })
  id!: string;

  @ApiProperty({ example: 'first note', minLength: 1, maxLength: NOTE_TEXT_MAX })
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
  @ApiProperty({ type: CreateNoteDto, isArray: true, minItems: 1, maxItems: NOTES_PER_BATCH_MAX })
  notes!: CreateNoteDto[];
}

export class BatchItemResultDto implements BatchItemResult {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['accepted', 'duplicate', 'rejected'] }) outcome!: 'accepted' | 'duplicate' | 'rejected';
  @ApiPropertyOptional({ format: 'uuid' }) trackingId?: string;
  @ApiPropertyOptional() message?: string;
}
