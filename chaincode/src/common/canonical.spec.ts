import { canonicalize } from './canonical';

describe('canonicalize (RFC 8785)', () => {
  it('sorts keys and drops undefined members', () => {
    expect(canonicalize({ b: 1, a: [true, null], c: undefined })).toBe('{"a":[true,null],"b":1}');
  });

  it.each([
    ['a lone high surrogate in a value', { a: 'x\ud800' }],
    ['a lone low surrogate in a value', ['\udc00y']],
    ['a lone surrogate in a key', { ['k\udbff']: 1 }],
  ])('refuses %s instead of escaping it', (_label, value) => {
    expect(() => canonicalize(value)).toThrow('INPUT_INVALID: value: strings must be well-formed Unicode');
  });

  it('keeps a surrogate pair (one astral character) as is', () => {
    expect(canonicalize({ e: '\ud83d\ude00' })).toBe('{"e":"\ud83d\ude00"}');
  });
});
