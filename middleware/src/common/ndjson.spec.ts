import { NdjsonBody, NdjsonLineError, NdjsonSplitter } from './ndjson';

const splitter = (maxLineBytes = 32, maxLines = 3): NdjsonSplitter =>
  new NdjsonSplitter({ maxLineBytes, maxLines }, (t) => JSON.parse(t) as unknown);

describe('NdjsonSplitter', () => {
  it('parses lines split anywhere across chunks, keeping each value’s line number', () => {
    const s = splitter();
    const text = '{"a":1}\r\n\n{"b":"é"}\n[3]';
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 3) s.push(bytes.subarray(i, i + 3));
    const body = s.end();
    expect(body).toBeInstanceOf(NdjsonBody);
    expect(body.values).toEqual([{ a: 1 }, { b: 'é' }, [3]]);
    expect(body.lines).toEqual([1, 3, 4]);
  });

  it('refuses an endless line as soon as it is past the limit, before its line break arrives', () => {
    const s = splitter(32);
    s.push(Buffer.from('{"a":1}\n'));
    expect(() => {
      for (let i = 0; i < 100; i++) s.push(Buffer.from('xxxxxxxx'));
    }).toThrow(new NdjsonLineError('line 2: longer than 32 bytes'));
  });

  it('accepts a line of exactly the limit and names the first line past the count', () => {
    const line = `{"t":"${'x'.repeat(32 - 8)}"}`;
    expect(Buffer.byteLength(line)).toBe(32);
    const s = splitter(32, 2);
    s.push(Buffer.from(`${line}\n${line}\n`));
    expect(() => {
      s.push(Buffer.from(`${line}\n`));
    }).toThrow('line 3: more than 2 lines');
  });
});
