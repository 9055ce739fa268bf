/**
 * The error tables of the docs are held equal to the one registry (src/common/codes.ts):
 * every code a contract throws is documented once, with the meaning and HTTP status the
 * registry gives it, and no doc lists a code the chaincode does not have.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, httpStatusOf, isErrorCode } from '../src/common/codes';
import { errorTable } from './support/error-table';

const DOCS = join(__dirname, '..', '..', 'docs');

function tableIn(doc: string): string {
  const text = readFileSync(join(DOCS, doc), 'utf8');
  const start = text.indexOf('| code ');
  if (start < 0) return '';
  const lines = text.slice(start).split('\n');
  const end = lines.findIndex((l) => !l.startsWith('|'));
  return lines.slice(0, end).join('\n');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('error-code registry', () => {
  it.each([
    ['points.md', 'points'],
    ['devices.md', 'devices'],
    ['did-method.md', 'dids'],
    ['joint-stats.md', 'jointstats'],
  ] as const)('docs/%s carries exactly the registry table for %s', (doc, domain) => {
    expect(tableIn(doc)).toBe(errorTable(domain));
  });

  it('declares every code the sources throw, and every declared code is thrown somewhere', () => {
    const src = sourceFiles(join(__dirname, '..', 'src'))
      .filter((f) => !f.endsWith('codes.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const quoted = new Set([...src.matchAll(/'([A-Z]+_[A-Z_]+|NOT_FOUND|CONFLICT)'/g)].map((m) => m[1] ?? ''));
    const thrown = [...quoted].filter((c) =>
      /^(INPUT|AUTH|POINTS|DID|DEVICE|STATUS|LIMIT|TIME|JOINTSTATS)_|^NOT_FOUND$|^CONFLICT$/.test(c),
    );
    expect(thrown.filter((c) => !isErrorCode(c))).toEqual([]);
    expect(Object.keys(ERROR_CODES).filter((c) => !quoted.has(c))).toEqual([]);
  });

  it('maps a code to its HTTP status and an unknown one to 500', () => {
    expect(httpStatusOf('POINTS_INSUFFICIENT')).toBe(422);
    expect(httpStatusOf('NOT_FOUND')).toBe(404);
    expect(httpStatusOf('INPUT_INVALID')).toBe(400);
    expect(httpStatusOf('SOMETHING_ELSE')).toBe(500);
  });
});
