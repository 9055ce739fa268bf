import { AuditRecord, audited } from './audit';
import { AdminError } from './errors';

describe('audit records', () => {
  it('records a successful operation with its outcome', async () => {
    const records: AuditRecord[] = [];
    const value = await audited('ops@mall-a', (r) => records.push(r), {
      operation: 'chaincode.upgrade',
      target: { version: '0.2.0' },
      run: () => Promise.resolve({ sequence: 3 }),
      outcome: (v) => ({ sequence: v.sequence }),
    });
    expect(value).toEqual({ sequence: 3 });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      actor: 'ops@mall-a',
      operation: 'chaincode.upgrade',
      target: { version: '0.2.0' },
      result: 'ok',
      outcome: { sequence: 3 },
    });
    expect(Date.parse(records[0]!.finishedAt)).toBeGreaterThanOrEqual(Date.parse(records[0]!.startedAt));
  });

  it('records a refusal with its code and rethrows it', async () => {
    const records: AuditRecord[] = [];
    const refusal = new AdminError('SIGNATURES_MISSING', 'needs MallBMSP');
    await expect(
      audited('ops', (r) => records.push(r), {
        operation: 'proposal.submit',
        target: {},
        run: () => Promise.reject(refusal),
      }),
    ).rejects.toBe(refusal);
    expect(records[0]).toMatchObject({
      result: 'refused',
      error: { code: 'SIGNATURES_MISSING', message: 'SIGNATURES_MISSING: needs MallBMSP' },
    });
  });

  it('records an unexpected error as failed', async () => {
    const records: AuditRecord[] = [];
    await expect(
      audited('ops', (r) => records.push(r), {
        operation: 'channel.list',
        target: {},
        run: () => Promise.reject(new TypeError('boom')),
      }),
    ).rejects.toThrow('boom');
    expect(records[0]).toMatchObject({ result: 'failed', error: { code: 'TypeError', message: 'boom' } });
  });
});
