import { markdown, summaryRows } from '../caliper/summarize';

const LOG = `2026.12.01 info [caliper] [report-builder] ### All test results ###
2026.12.01 info [caliper] [report-builder]
+-----------+------+------+-----------------+
| Name      | Succ | Fail | Throughput (TPS) |
|-----------|------|------|-----------------|
| accrue-c2 | 48   | 0    | 9.6             |
|-----------|------|------|-----------------|
| redeem    | 50   | 1    | 10.0            |
+-----------+------+------+-----------------+
2026.12.01 info [caliper] [round-orchestrator] Generated report`;

describe('Caliper summary (test/caliper/summarize.ts)', () => {
  it('reads the rows of the last "All test results" table, without rule lines', () => {
    expect(summaryRows(`earlier ### All test results ###\n| stale | 1 |\n\n${LOG}`)).toEqual([
      ['Name', 'Succ', 'Fail', 'Throughput (TPS)'],
      ['accrue-c2', '48', '0', '9.6'],
      ['redeem', '50', '1', '10.0'],
    ]);
  });

  it('refuses a log without results (a failed run writes no figures)', () => {
    expect(() => summaryRows('Benchmark execution failed with error code: 6')).toThrow('no "All test results" table');
  });

  it('writes the table with each round described, and the machine load', () => {
    const md = markdown(summaryRows(LOG), {
      started: '2026-12-01T13:18:12Z',
      loadBefore: '1.00, 2.00, 3.00',
      loadAfter: '4.00, 5.00, 6.00',
      cores: '2',
      network: 'profile dev',
    });
    expect(md).toContain('| accrue-c2 | 48 | 0 | 9.6 | points:Accrue, 2 in flight |');
    expect(md).toContain('before: 1.00, 2.00, 3.00; after: 4.00, 5.00, 6.00');
    expect(md).not.toMatch(/\| -{3,} \| -{4,}/);
  });
});
