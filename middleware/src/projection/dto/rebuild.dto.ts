import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export class RebuildDto {
  @ApiPropertyOptional({
    enum: ['compare', 'swap'],
    default: 'compare',
    description: '`compare` only reports; `swap` also replaces the live read model with the rebuilt one, atomically',
  })
  @IsOptional()
  @IsIn(['compare', 'swap'])
  mode?: 'compare' | 'swap';

  @ApiPropertyOptional({
    description: 'Keep the rebuilt schema (compare) or the replaced tables (swap) for inspection',
  })
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

export class VerifyDto {
  @ApiPropertyOptional({ default: 100000, maximum: 10000000, description: 'Most keys checked on the peer' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  maxKeys?: number;

  @ApiPropertyOptional({ default: 20, maximum: 200, description: 'Most differing or missing keys listed' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(200)
  maxExamples?: number;
}
