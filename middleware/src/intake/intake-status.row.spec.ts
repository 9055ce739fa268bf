import { intakeStatusColumns, toIntakeStatusView, type IntakeStatusRow } from './intake-status.row';

const row: IntakeStatusRow = {
  tracking_id: '9b1f0c8e-0000-4000-8000-000000000001',
  kind: 'did-update',
  natural_key: 'update|did:mallchain:z1|1',
  status: 'committed',
  attempts: 2,
  tx_id: 'tx-1',
  block_number: '18446744073709551615',
  error_code: null,
  last_error: null,
  created_at: new Date('2026-12-01T10:00:00Z'),
  committed_at: new Date('2026-12-01T10:00:02Z'),
};

describe('intake status row', () => {
  it('maps every column to the view a client and an operator see', () => {
    expect(toIntakeStatusView(row)).toEqual({
      trackingId: row.tracking_id,
      kind: 'did-update',
      naturalKey: 'update|did:mallchain:z1|1',
      status: 'committed',
      attempts: 2,
      txId: 'tx-1',
      blockNumber: '18446744073709551615',
      errorCode: null,
      lastError: null,
      acceptedAt: row.created_at,
      committedAt: row.committed_at,
    });
  });

  it('selects exactly the columns of a row, qualified by the alias, the block number as text', () => {
    const selected = intakeStatusColumns('i')
      .split(',')
      .map((c) => c.trim());
    expect(selected).toContain('i.block_number::text AS block_number');
    expect(selected.map((c) => c.replace(/^i\./, '').replace(/::text AS \w+$/, '')).sort()).toEqual(
      Object.keys(row).sort(),
    );
  });
});
