/** One line of a JSON Lines upload: its number (1-based) and the parsed value, or why it is not JSON. */
export type JsonLine =
  { readonly line: number; readonly value: unknown } | { readonly line: number; readonly error: string };

export interface JsonLinesLimits {
  readonly maxLineBytes: number;
  readonly maxLines: number;
}

/**
 * Splits a JSON Lines body (`\n` or `\r\n`, blank lines skipped) into parsed lines, refusing the whole upload when
 * a line or the line count is over the limit. A line that is not JSON is reported on its own, so that the others
 * still count. (Small on purpose: the streaming NDJSON reader of the intake work is meant to replace it.)
 * @returns the lines, or a message naming the limit exceeded
 */
export function readJsonLines(text: string, limits: JsonLinesLimits): JsonLine[] | string {
  const out: JsonLine[] = [];
  let start = 0;
  let line = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    line += 1;
    const raw = text.slice(start, stop).replace(/\r$/, '');
    start = stop + 1;
    if (Buffer.byteLength(raw, 'utf8') > limits.maxLineBytes)
      return `line ${line} is longer than ${limits.maxLineBytes} bytes`;
    if (raw.trim() === '') continue;
    if (out.length >= limits.maxLines) return `more than ${limits.maxLines} receipts`;
    try {
      out.push({ line, value: JSON.parse(raw) as unknown });
    } catch {
      out.push({ line, error: `line ${line} is not JSON` });
    }
  }
  return out;
}
