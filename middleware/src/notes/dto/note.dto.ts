import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

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

export class NoteDto {
  @ApiProperty() id!: string;
  @ApiProperty() text!: string;
  @ApiProperty() writtenBy!: string;
  @ApiProperty() writtenAt!: string;
  @ApiPropertyOptional({ description: 'absent when read from the ledger' }) txId?: string;
  @ApiPropertyOptional({ description: 'absent when read from the ledger' }) blockNumber?: string;
  @ApiProperty({ enum: ['cache', 'ledger'] }) source!: 'cache' | 'ledger';
}
