import { LedgerFunctions } from '../ledger-functions';
import type { LedgerPort } from '../ledger.port';
import { PointsLedger } from './points.ledger';

describe('PointsLedger encodings', () => {
  const evaluated: [string, readonly string[]][] = [];
  const port = {
    evaluate: (fn: string, args: readonly string[]) => {
      evaluated.push([fn, args]);
      const body = { member: 'did:x:1', balances: [{ programId: 'p', available: 5, pending: 2, expiringSoon: 1 }] };
      return Promise.resolve(Buffer.from(JSON.stringify(body)));
    },
  } as unknown as LedgerPort;
  const ledger = new PointsLedger(port, new LedgerFunctions());

  it('encodes Accrue as one JSON argument with sorted keys, merchant only when given', () => {
    expect(
      ledger.accrue({ programId: 'p', member: 'did:x:1', amount: 12, sourceRef: 'haide:M/P1/F1', merchant: 's1' }),
    ).toEqual({
      fn: 'points:Accrue',
      args: ['{"amount":12,"member":"did:x:1","merchant":"s1","programId":"p","sourceRef":"haide:M/P1/F1"}'],
    });
    expect(ledger.accrue({ programId: 'p', member: 'did:x:1', amount: 1, sourceRef: 'r' }).args[0]).not.toContain(
      'merchant',
    );
  });

  it('encodes Reverse with an amount, or without one for everything left', () => {
    expect(ledger.reverse({ programId: 'p', sourceRef: 's', reversalRef: 'r', amount: 3 }).args).toEqual([
      '{"amount":3,"programId":"p","reversalRef":"r","sourceRef":"s"}',
    ]);
    expect(ledger.reverse({ programId: 'p', sourceRef: 's', reversalRef: 'r' }).args).toEqual([
      '{"programId":"p","reversalRef":"r","sourceRef":"s"}',
    ]);
  });

  it('decodes GetBalance', async () => {
    expect(await ledger.balances('did:x:1')).toEqual([{ programId: 'p', available: 5, pending: 2, expiringSoon: 1 }]);
    expect(evaluated).toEqual([['points:GetBalance', ['{"expiringWithinDays":30,"member":"did:x:1"}']]]);
  });
});
