/** The error table a doc carries, generated from the registry (held equal by test/errors-doc.spec.ts). */
import { ERROR_CODES, ErrorCode } from '../../src/common/codes';

/** The markdown table a doc must carry for a domain: common codes first, then the domain's own. */
export function errorTable(domain: 'points' | 'dids' | 'devices' | 'jointstats'): string {
  const rows = (Object.entries(ERROR_CODES) as [ErrorCode, (typeof ERROR_CODES)[ErrorCode]][])
    .filter(([, info]) => info.domain === domain || (info.domain === 'common' && domain !== 'jointstats'))
    .map(([code, info]) => [`\`${code}\``, String(info.http), info.meaning]);
  const header = ['code', 'HTTP', 'meaning'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}
