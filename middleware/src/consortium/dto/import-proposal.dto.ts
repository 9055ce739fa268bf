import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';

/** A proposal file (`mallchain-config-proposal/1`) made by another mall's middleware or the CLI. */
export class ImportProposalDto {
  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  proposal!: Record<string, unknown>;
}
