import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import type { AuditResult } from '../audit-log.entity';

export class AuditQueryDto {
  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({ example: 'proposal.sign' })
  @IsOptional()
  @Matches(/^[a-z-]+\.[a-z-]+$/, { message: 'operation must be an operation name such as proposal.sign' })
  operation?: string;

  @ApiPropertyOptional({ enum: ['ok', 'refused', 'failed'] })
  @IsOptional()
  @IsIn(['ok', 'refused', 'failed'])
  result?: AuditResult;
}
