import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAdmin } from './admin';

/** Runs `mallchain admin <argv>` and captures what it prints on stderr. */
async function admin(argv: string[]): Promise<{ code: number; stderr: string }> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  try {
    const code = await runAdmin(argv, () => undefined);
    return { code, stderr: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

// Each case fails on its arguments, before any Fabric command or network is needed.
describe('mallchain admin arguments', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mallchain-cli-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the usage for help (exit 0) and for an unknown command (exit 2)', async () => {
    const help = await admin(['help']);
    expect(help.code).toBe(0);
    expect(help.stderr).toMatch(/^usage: mallchain admin <command>/);
    const unknown = await admin(['mall', 'adopt', 'MallC']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^unknown admin command: mall adopt MallC\n\nusage:/);
  });

  it('names a missing argument, a missing option and an option without its value', async () => {
    await expect(admin(['channel', 'create', '--malls', 'A,B'])).resolves.toEqual({
      code: 1,
      stderr: 'error: INVALID_INPUT: missing channel name',
    });
    await expect(admin(['channel', 'create', 'promo'])).resolves.toEqual({
      code: 1,
      stderr: 'error: INVALID_INPUT: option --malls is required',
    });
    await expect(admin(['proposal', 'submit', 'p.json', '--org'])).resolves.toEqual({
      code: 1,
      stderr: 'error: INVALID_INPUT: option --org needs a value',
    });
  });

  it('refuses a count that is not a whole number', async () => {
    await expect(
      admin(['channel', 'propose-params', '--out', join(dir, 'p.json'), '--max-message-count', '1e3']),
    ).resolves.toEqual({ code: 1, stderr: 'error: INVALID_INPUT: --max-message-count 1e3 is not a whole number' });
  });

  it('names a proposal file that does not exist', async () => {
    const file = join(dir, 'missing.json');
    await expect(admin(['proposal', 'sign', file, '--org', 'MallAMSP'])).resolves.toEqual({
      code: 1,
      stderr: `error: NOT_FOUND: proposal file ${file} does not exist`,
    });
  });
});
