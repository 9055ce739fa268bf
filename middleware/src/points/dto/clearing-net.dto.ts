import { ApiProperty, OmitType } from '@nestjs/swagger';
import type { ClearingNet, NetPosition, Owed } from '../clearing-net';
import { ClearingQueryDto } from './points-api.dto';

/** `from`, `to` and `consistency` of the clearing read; the netting is over every mall. */
export class ClearingNetQueryDto extends OmitType(ClearingQueryDto, ['mall'] as const) {}

export class OwedDto implements Owed {
  @ApiProperty({ example: 'MallBMSP' }) debtor!: string;
  @ApiProperty({ example: 'MallAMSP' }) creditor!: string;
  @ApiProperty({ example: 4130, description: 'fen, after setting off the entries both ways (> 0)' })
  amountFen!: number;
}

export class NetPositionDto implements NetPosition {
  @ApiProperty({ example: 'MallAMSP' }) mall!: string;
  @ApiProperty({ example: 5900 }) receivableFen!: number;
  @ApiProperty({ example: 1770 }) payableFen!: number;
  @ApiProperty({ example: 4130, description: 'receivable − payable; the nets of a window sum to zero' })
  netFen!: number;
}

export class ClearingNetDto implements ClearingNet {
  @ApiProperty({ example: '2026-11-01T00:00:00Z' }) from!: string;
  @ApiProperty({ example: '2026-12-01T00:00:00Z' }) to!: string;
  @ApiProperty({ example: 3, description: 'clearing entries with from ≤ at < to' }) entries!: number;
  @ApiProperty({ type: OwedDto, isArray: true, description: 'per pair of malls, largest first; even pairs left out' })
  owed!: Owed[];
  @ApiProperty({ type: NetPositionDto, isArray: true, description: 'per mall, in MSP ID order' })
  positions!: NetPosition[];
}

export class AwaitingStatementsDto {
  @ApiProperty({ example: 'MallAMSP', description: 'the API key’s mall' }) mall!: string;
  @ApiProperty({
    isArray: true,
    description: 'statements (as GET /v1/points/statements lists them) with a position of `mall` it has not confirmed',
    example: [
      {
        periodId: '2026-11-01T00:00:00.000Z..2026-12-01T00:00:00.000Z',
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-12-01T00:00:00.000Z',
        entries: 2,
        gross: [{ from: 'MallBMSP', to: 'MallAMSP', amountFen: 5900 }],
        positions: [
          { mall: 'MallAMSP', receivableFen: 5900, payableFen: 0, netFen: 5900 },
          { mall: 'MallBMSP', receivableFen: 0, payableFen: 5900, netFen: -5900 },
        ],
        payments: [{ from: 'MallBMSP', to: 'MallAMSP', amountFen: 5900 }],
        closedBy: 'MallBMSP',
        closedAt: '2026-12-01T00:31:02.118Z',
      },
    ],
  })
  statements!: object[];
}
