import { readJsonLines } from './json-lines.reader';

const limits = { maxLineBytes: 64, maxLines: 3 };

describe('readJsonLines', () => {
  it('parses each line with its number, skipping blank lines, accepting CRLF and no final newline', () => {
    expect(readJsonLines('{"a":1}\r\n\n{"b":2}\n[3]', limits)).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 3, value: { b: 2 } },
      { line: 4, value: [3] },
    ]);
  });

  it('reports a line that is not JSON on its own', () => {
    expect(readJsonLines('{"a":1}\n{oops\n', limits)).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 2, error: 'line 2 is not JSON' },
    ]);
  });

  it('refuses a line past the byte limit (counted in UTF-8) and more lines than allowed', () => {
    expect(readJsonLines(`{}\n"${'界'.repeat(21)}"`, limits)).toBe('line 2 is longer than 64 bytes');
    expect(readJsonLines('1\n2\n3\n4\n', limits)).toBe('more than 3 receipts');
    expect(readJsonLines('', limits)).toEqual([]);
  });
});
