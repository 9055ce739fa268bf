import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { IsInt, IsString, Min } from 'class-validator';
import { fileBody, flag, messageOf, runCli, validated } from './cli-runner';

class Sample {
  @IsString()
  name!: string;

  @IsInt()
  @Min(1)
  count!: number;
}

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(work: () => unknown): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runCli(
    work,
    '  cli sample make --name <n>',
    (t) => (out += t),
    (t) => (err += t),
  );
  return { code, out, err };
}

describe('runCli', () => {
  it('prints the usage on stderr with exit 2 when the words are not a command', async () => {
    expect(await run(() => undefined)).toEqual({ code: 2, out: '', err: 'usage:\n  cli sample make --name <n>\n' });
    expect(await run(() => Promise.resolve(undefined))).toMatchObject({ code: 2, out: '' });
  });

  it('prints the answer as indented JSON on stdout with exit 0', async () => {
    expect(await run(() => Promise.resolve({ id: 'p1', tags: ['a'] }))).toEqual({
      code: 0,
      out: '{\n  "id": "p1",\n  "tags": [\n    "a"\n  ]\n}\n',
      err: '',
    });
    expect(await run(() => [])).toEqual({ code: 0, out: '[]\n', err: '' });
  });

  it('prints the reason of a thrown error on stderr with exit 1', async () => {
    expect(
      await run(() => {
        throw new Error('--file is required');
      }),
    ).toEqual({ code: 1, out: '', err: '--file is required\n' });
    expect(await run(() => Promise.reject(new Error('not a device DID: x')))).toEqual({
      code: 1,
      out: '',
      err: 'not a device DID: x\n',
    });
  });

  it('unpacks a validation refusal into the fields it names, joined with "; "', async () => {
    const r = await run(async () => validated(Sample, { name: 7, count: 0, extra: true }));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      'extra: property extra should not exist; name must be a string; count must not be less than 1\n',
    );
    expect(r.err.split('\n')).toHaveLength(2);
  });

  it('refuses a body that is not an object, as the route does', async () => {
    expect(await run(async () => validated(Sample, ['x']))).toEqual({
      code: 1,
      out: '',
      err: 'request body must be a JSON object\n',
    });
  });
});

describe('messageOf', () => {
  it('names what was thrown, whatever it is', () => {
    expect(messageOf('plain text')).toBe('plain text');
    expect(messageOf(null)).toBe('null');
    expect(messageOf({ getResponse: () => ({ message: { code: 'X' } }) })).toBe('{"code":"X"}');
  });
});

describe('flag and fileBody', () => {
  it('read a flag’s value and the JSON body of --file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-cli-runner-'));
    const file = path.join(dir, 'body.json');
    writeFileSync(file, '{"name":"n","count":2}');
    expect(flag(['a', '--name', 'n'], 'name')).toBe('n');
    expect(flag(['--name'], 'name')).toBeUndefined();
    expect(flag([], 'name')).toBeUndefined();
    expect(fileBody(['--file', file])).toEqual({ name: 'n', count: 2 });
    expect(() => fileBody([])).toThrow('--file is required');
  });
});
