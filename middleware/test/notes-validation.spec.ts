import { BadRequestException } from '@nestjs/common';
import fc from 'fast-check';
import { NOTE_ID_PATTERN, validateNote, validateNotesBatch } from '../src/notes/dto/note.validator';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof BadRequestException) return (e.getResponse() as { message: string[] }).message;
    throw e;
  }
  throw new Error('accepted');
}

describe('note body validation (hot path)', () => {
  it.each([
    [{}, ['id must be a string', 'text must be a string']],
    [{ id: 5, text: 'x' }, ['id must be a string']],
    [{ id: '', text: 'x' }, ['id must be longer than or equal to 1 characters']],
    [{ id: 'x'.repeat(129), text: 'x' }, ['id must be shorter than or equal to 128 characters']],
    [{ id: 'a b', text: 'x' }, ['id may contain only letters, digits and . _ : @ - /']],
    [{ id: '-a', text: 'x' }, ['id may contain only letters, digits and . _ : @ - /']],
    [{ id: 'a', text: '' }, ['text must be longer than or equal to 1 characters']],
    [{ id: 'a', text: 'x'.repeat(1025) }, ['text must be shorter than or equal to 1024 characters']],
    [{ id: 'a', text: null }, ['text must be a string']],
    [{ id: 'a', text: 'x', extra: 1 }, ['extra: property extra should not exist']],
    [[{ id: 'a', text: 'x' }], ['request body must be a JSON object']],
    ['text', ['request body must be a JSON object']],
  ])('%j is refused with %j', (body, expected) => {
    expect(problems(() => validateNote(body))).toEqual(expected);
  });

  it.each([
    [{}, ['notes must be an array']],
    [{ notes: 'x' }, ['notes must be an array']],
    [{ notes: [] }, ['notes must contain at least 1 elements']],
    [
      { notes: Array.from({ length: 1001 }, () => ({ id: 'a', text: 'x' })) },
      ['notes must contain no more than 1000 elements'],
    ],
    [{ notes: [1, null, []] }, ['notes.0 must be an object', 'notes.1 must be an object', 'notes.2 must be an object']],
    [
      {
        notes: [
          { id: 'a', text: 'x' },
          { id: 'a b', text: '' },
        ],
      },
      [
        'notes.1.id may contain only letters, digits and . _ : @ - /',
        'notes.1.text must be longer than or equal to 1 characters',
      ],
    ],
    [
      { notes: [{ id: 'a', text: 'x', q: 1 }], other: 2 },
      ['other: property other should not exist', 'notes.0.q: property q should not exist'],
    ],
  ])('batch %j is refused with %j', (body, expected) => {
    expect(problems(() => validateNotesBatch(body))).toEqual(expected);
  });

  const id = fc.stringMatching(NOTE_ID_PATTERN).filter((s) => s.length <= 128);
  const text = fc.string({ minLength: 1, maxLength: 1024 });

  it('accepts every note within the rules and passes exactly its two fields on', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ id, text }), { minLength: 1, maxLength: 50 }), (notes) => {
        expect(validateNotesBatch({ notes })).toEqual(notes);
        for (const n of notes) expect(validateNote({ ...n })).toEqual(n);
      }),
    );
  });

  it('names the one bad note of a batch by its index and field', () => {
    const badValue = fc.oneof(fc.constant(''), fc.integer(), fc.constant(null), fc.constant('x'.repeat(2000)));
    fc.assert(
      fc.property(
        fc.array(fc.record({ id, text }), { minLength: 1, maxLength: 20 }),
        fc.nat(),
        fc.constantFrom('id', 'text'),
        badValue,
        (notes, at, field, value) => {
          const i = at % notes.length;
          const body = { notes: notes.map((n, k) => (k === i ? { ...n, [field]: value } : n)) };
          const out = problems(() => validateNotesBatch(body));
          expect(out).toHaveLength(1);
          expect(out[0]).toMatch(new RegExp(`^notes\\.${i}\\.${field} `));
        },
      ),
    );
  });
});
