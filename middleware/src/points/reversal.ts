/** A sale as far as its returns are concerned. */
export interface SaleForReturn {
  /** Points credited for the sale. */
  readonly points: number;
  readonly amountFen: number;
  /** Returned so far (earlier returns of this sale). */
  readonly returnedFen: number;
  readonly reversedPoints: number;
}

/**
 * Points a return of `returnFen` takes back: floor(points × returned ÷ amount), and the return that completes the
 * sale takes the remainder, so that the reversals of a sale never exceed its credit and a full return takes it all.
 * @returns undefined when the return exceeds what is left of the sale
 */
export function returnReversal(sale: SaleForReturn, returnFen: number): number | undefined {
  const left = sale.amountFen - sale.returnedFen;
  if (returnFen > left || returnFen < 0) return undefined;
  const remainder = sale.points - sale.reversedPoints;
  if (returnFen === left) return remainder;
  if (sale.amountFen === 0) return 0;
  const share = Number((BigInt(sale.points) * BigInt(returnFen)) / BigInt(sale.amountFen));
  return Math.min(share, remainder);
}
