// Fails the build when the console's JavaScript, gzipped, exceeds its budget (CONSOLE_JS_GZIP_BUDGET_KB overrides).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const budgetKb = Number(process.env.CONSOLE_JS_GZIP_BUDGET_KB ?? 200);
const dir = join(import.meta.dirname, '..', 'dist', 'assets');
const js = readdirSync(dir).filter((f) => f.endsWith('.js'));
let total = 0;
for (const f of js) {
  const gz = gzipSync(readFileSync(join(dir, f)), { level: 9 }).length;
  total += gz;
  process.stdout.write(`console bundle: ${f} ${(gz / 1024).toFixed(1)} KiB gzip\n`);
}
const kb = total / 1024;
if (js.length === 0 || kb > budgetKb) {
  process.stderr.write(
    `console bundle: ${kb.toFixed(1)} KiB gzip of JavaScript, budget ${budgetKb} KiB: over budget\n`,
  );
  process.exit(1);
}
process.stdout.write(`console bundle: ${kb.toFixed(1)} KiB gzip of JavaScript, budget ${budgetKb} KiB\n`);
