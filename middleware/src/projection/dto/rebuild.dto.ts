import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

export class RebuildDto {
  @ApiPropertyOptional({ description: 'Keep the rebuilt schema for inspection instead of dropping it' })
  @IsOptional()
  @IsBoolean()
  keep?: boolean;

  @ApiPropertyOptional({ description: 'Give up when the replay has not caught up after this long (ms)' })
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  timeoutMs?: number;
}
