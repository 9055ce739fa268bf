import { returnReversal } from '../../points/reversal';
import type { StoredReceipt } from './receipt.store';

/** What the decided returns of one sale took so far. */
export interface Taken {
  fen: number;
  points: number;
}

/**
 * The points a return reverses, by the rule of returns (floor of the share, the completing return takes the
 * remainder); undefined when it exceeds what is left of the sale.
 */
export function reversalOf(
  sale: Pick<StoredReceipt, 'points' | 'realAmtFen'>,
  taken: Taken,
  returnFen: number,
): number | undefined {
  return returnReversal(
    { points: sale.points, amountFen: sale.realAmtFen, returnedFen: taken.fen, reversedPoints: taken.points },
    returnFen,
  );
}

/**
 * Parked returns of a sale in arrival order, by the rule of returns pushed after it. One that exceeds what is left
 * of the sale is refused as an over-return would be: it goes to `refused` (discarded and counted as rejected; its POS
 * had been told `accepted`, see docs/haide.md).
 */
export function decideParked<P extends { row: Pick<StoredReceipt, 'realAmtFen'> }>(
  parked: readonly P[],
  sale: Pick<StoredReceipt, 'points' | 'realAmtFen'>,
): { decided: { parked: P; points: number }[]; refused: P[]; taken: Taken } {
  const taken: Taken = { fen: 0, points: 0 };
  const decided: { parked: P; points: number }[] = [];
  const refused: P[] = [];
  for (const p of parked) {
    const points = reversalOf(sale, taken, p.row.realAmtFen);
    if (points === undefined) {
      refused.push(p);
      continue;
    }
    taken.fen += p.row.realAmtFen;
    taken.points += points;
    decided.push({ parked: p, points });
  }
  return { decided, refused, taken };
}
