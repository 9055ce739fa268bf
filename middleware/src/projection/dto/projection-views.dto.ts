import { ApiProperty } from '@nestjs/swagger';
import type { ProjectionStatus } from '../projection.service';
import type { RebuildReport, TableComparison } from '../rebuild.service';

export class CheckpointDto {
  @ApiProperty({ description: 'decimal block number' }) blockNumber!: string;
  @ApiProperty() txId!: string;
}

export class ProjectionStatusDto implements ProjectionStatus {
  @ApiProperty({ description: 'the chaincode event listener is running' }) running!: boolean;
  @ApiProperty({ type: CheckpointDto, nullable: true, description: 'last projected event; null before the first' })
  checkpoint!: CheckpointDto | null;
  @ApiProperty({ description: 'blocks between the newest known commit and the checkpoint' }) lagBlocks!: number;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
}

export class TableComparisonDto implements TableComparison {
  @ApiProperty() table!: string;
  @ApiProperty({ description: 'rows in the live read model that the replay did not produce' }) onlyLive!: number;
  @ApiProperty({ description: 'rows the replay produced that the live read model lacks or holds differently' })
  onlyRebuilt!: number;
}

export class RebuildReportDto implements RebuildReport {
  @ApiProperty({ example: 'rebuild_1795250018770' }) schema!: string;
  @ApiProperty({ type: CheckpointDto, nullable: true, description: 'the live checkpoint the replay ran up to' })
  upTo!: CheckpointDto | null;
  @ApiProperty() eventsReplayed!: number;
  @ApiProperty({ type: TableComparisonDto, isArray: true }) tables!: TableComparisonDto[];
  @ApiProperty({ description: 'every table equal' }) equal!: boolean;
  @ApiProperty({ description: 'the rebuilt schema was kept' }) kept!: boolean;
}
