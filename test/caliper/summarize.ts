/**
 * docs/bench-caliper.md from a Caliper run's log: the summary table Caliper prints ("All test results"), with the
 * round descriptions, the network, the machine's cores and load before and after.
 * `node -r ../bench/ts-register.js summarize.ts <caliper.log> <out.md> <started> <load before> <load after> <cores> <network.json>`
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ROUNDS } from './benchmark';

/** Rows of the last table after "### All test results ###" (header first). */
export function summaryRows(log: string): string[][] {
  const at = log.lastIndexOf('### All test results ###');
  if (at < 0) throw new Error('the Caliper log has no "All test results" table (did the run fail?)');
  const rows: string[][] = [];
  for (const line of log.slice(at).split('\n').slice(1)) {
    const t = line.trim();
    if (t.startsWith('+') || /^\|[-|\s]+\|$/.test(t)) continue;
    if (!t.startsWith('|')) {
      if (rows.length > 0) break;
      continue;
    }
    rows.push(
      t
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

export function markdown(
  rows: string[][],
  meta: { started: string; loadBefore: string; loadAfter: string; cores: string; network: string },
): string {
  const [header, ...body] = rows;
  if (!header) throw new Error('empty summary table');
  const described = body.map((r) => {
    const round = ROUNDS.find((x) => x.label === r[0]);
    return [...r, round?.description ?? ''];
  });
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [
    '# Caliper benchmark',
    '',
    'Hyperledger Caliper 0.6.0 (`@hyperledger/caliper-cli`, the `fabric:fabric-gateway` binding: fabric-gateway 1.5.0)',
    'against the mallchain chaincode on a real Fabric network started by our scripts. Written by `npm run bench:caliper`',
    "(test/caliper/run.sh); Caliper's HTML report of the same run: [caliper-report.html](caliper-report.html).",
    '',
    `- run: ${meta.started}; network: ${meta.network}`,
    `- machine: ${meta.cores} cores, shared; load average (1, 5, 15 min) before: ${meta.loadBefore}; after: ${meta.loadAfter}`,
    '- two Caliper workers; "in flight" is the fixed-load controller\'s transaction load, shared by the workers',
    '- each worker prepares its own world first (programs, merchants, member DIDs, points, devices): not measured',
    '',
    line([...header, 'what']),
    line([...header, 'what'].map(() => '---')),
    ...described.map(line),
    '',
    'Figures on a machine shared with other work: compare rounds of one run, not runs of different days.',
    '',
  ].join('\n');
}

if (require.main === module) {
  const [logFile, out, started, loadBefore, loadAfter, cores, networkFile] = process.argv.slice(2);
  if (!logFile || !out || !started || !loadBefore || !loadAfter || !cores || !networkFile)
    throw new Error('usage: summarize <log> <out.md> <started> <load before> <load after> <cores> <network.json>');
  const n = JSON.parse(readFileSync(networkFile, 'utf8')) as {
    profile: string;
    fabricVersion: string;
    orderers: unknown[];
    orgs: Record<string, unknown>;
  };
  const network = `profile ${n.profile}, Fabric ${n.fabricVersion}, ${String(n.orderers.length)} orderer(s), ${String(Object.keys(n.orgs).length)} malls`;
  const loadOf = (s: string): string => s.split(' ').slice(0, 3).join(', ');
  writeFileSync(
    out,
    markdown(summaryRows(readFileSync(logFile, 'utf8')), {
      started,
      loadBefore: loadOf(loadBefore),
      loadAfter: loadOf(loadAfter),
      cores,
      network,
    }),
  );
}
