import { ApiProperty } from '@nestjs/swagger';
import type { ProjectionStatus } from '../projection.service';
import type { RebuildReport, TableComparison } from '../rebuild.service';
import type { VerifyCounts, VerifyExample, VerifyProblem, VerifyReport } from '../verify.service';

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
  @ApiProperty({ description: 'events parked in the quarantine' }) quarantined!: number;
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
  @ApiProperty({ description: 'the rebuilt read model replaced the live one' }) swapped!: boolean;
}

export class VerifyCountsDto implements VerifyCounts {
  @ApiProperty({ example: 'ledger_state' }) table!: string;
  @ApiProperty() equal!: number;
  @ApiProperty() differing!: number;
  @ApiProperty({ description: 'in the read model but not on the ledger, or the other way round' }) missing!: number;
}

export class VerifyExampleDto implements VerifyExample {
  @ApiProperty() table!: string;
  @ApiProperty() entity!: string;
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['differs', 'missingOnLedger', 'missingInReadModel'] }) problem!: VerifyProblem;
  @ApiProperty({ description: 'the read model value (ledger shape); absent when missing' }) readModel!: unknown;
  @ApiProperty({ description: 'the value evaluated on the peer; absent when missing' }) ledger!: unknown;
}

export class VerifyReportDto implements VerifyReport {
  @ApiProperty({ type: CheckpointDto, nullable: true }) checkpoint!: CheckpointDto | null;
  @ApiProperty() keysChecked!: number;
  @ApiProperty({ type: VerifyCountsDto, isArray: true }) tables!: VerifyCountsDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'ledger_state rows of entities without a verifier, by entity',
  })
  unverifiable!: Record<string, number>;
  @ApiProperty({ type: VerifyExampleDto, isArray: true }) examples!: VerifyExampleDto[];
  @ApiProperty({ description: 'stopped at maxKeys' }) truncated!: boolean;
  @ApiProperty({ description: 'no table differs or misses a key' }) equal!: boolean;
}
