import { readFileSync } from 'node:fs';
import { StrictValidationPipe } from './validation.pipe';

/** Where a command writes: `process.stdout.write` in the CLI, a collector in tests. */
export type CliOut = (text: string) => void;

/**
 * The reason an error gives, in one line: a Nest HTTP exception's `message` (a validation refusal's list of
 * messages joined with `; `), else the error's own message.
 */
export function messageOf(e: unknown): string {
  const r = (e as { getResponse?: () => { message?: unknown } } | null)?.getResponse?.();
  const m = r?.message ?? (e instanceof Error ? e.message : String(e));
  return Array.isArray(m) ? m.join('; ') : typeof m === 'string' ? m : JSON.stringify(m);
}

/**
 * Runs one CLI command: `undefined` from `run` means the words were not a command (exit 2, `usage` on `err`); an
 * answer is printed as indented JSON on `out` (exit 0); a thrown error prints its reason on `err` (exit 1).
 */
export async function runCli(run: () => unknown, usage: string, out: CliOut, err: CliOut): Promise<number> {
  try {
    const result = await run();
    if (result === undefined) {
      err(`usage:\n${usage}\n`);
      return 2;
    }
    out(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (e) {
    err(`${messageOf(e)}\n`);
    return 1;
  }
}

/** The value after `--name`, if the flag is there. */
export function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The same validation as the route's HTTP body (or query): a refusal names the offending fields. */
export async function validated<T extends object>(
  type: new () => T,
  value: unknown,
  kind: 'body' | 'query' = 'body',
): Promise<T> {
  return (await new StrictValidationPipe().transform(value, { type: kind, metatype: type })) as T;
}

/** The JSON body in the file named by `--file`. */
export function fileBody(args: readonly string[]): unknown {
  const file = flag(args, 'file');
  if (file === undefined) throw new Error('--file is required');
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}
