import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SETTINGS } from '../src/config/load-config';

/** The variables named in the first column of the settings table of docs/middleware.md. */
function documentedSettings(): string[] {
  const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'middleware.md'), 'utf8');
  const section = doc.split('## Settings')[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .flatMap((l) => [...(l.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1] ?? ''));
}

describe('docs/middleware.md settings table', () => {
  it('names exactly the variables loadConfig reads', () => {
    expect(documentedSettings().sort()).toEqual(SETTINGS.map((s) => s.env).sort());
  });

  it('marks as required exactly the required ones', () => {
    const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'middleware.md'), 'utf8');
    const required = [...doc.matchAll(/^\| (`[A-Z_]+`(?: \/ `[A-Z_]+`)*) +\| required /gm)].flatMap((m) =>
      [...(m[1] ?? '').matchAll(/`([A-Z_]+)`/g)].map((x) => x[1] ?? ''),
    );
    expect(required.sort()).toEqual(
      SETTINGS.filter((s) => s.required === true)
        .map((s) => s.env)
        .sort(),
    );
  });
});
