import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { NDJSON, NdjsonBody } from '../../common/ndjson';

/** A note as the intake takes it (validated). */
export interface NoteInput {
  readonly id: string;
  readonly text: string;
}

export const NOTE_ID_MAX = 128;
export const NOTE_TEXT_MAX = 1024;
export const NOTES_PER_BATCH_MAX = 1000;
export const NOTE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@\-/]*$/;
export const NOTE_ID_RULE = 'may contain only letters, digits and . _ : @ - /';

const NOTE_FIELDS = new Set(['id', 'text']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringProblem(v: unknown, max: number): string | undefined {
  if (typeof v !== 'string') return 'must be a string';
  if (v.length < 1) return 'must be longer than or equal to 1 characters';
  if (v.length > max) return `must be shorter than or equal to ${max} characters`;
  return undefined;
}

/** The first problem of each field of one note, each message starting with the field's path (`notes.3.id …`). */
function noteProblems(v: Record<string, unknown>, prefix: string, out: string[]): void {
  for (const k of Object.keys(v)) if (!NOTE_FIELDS.has(k)) out.push(`${prefix}${k}: property ${k} should not exist`);
  const id = stringProblem(v.id, NOTE_ID_MAX) ?? (NOTE_ID_PATTERN.test(v.id as string) ? undefined : NOTE_ID_RULE);
  if (id !== undefined) out.push(`${prefix}id ${id}`);
  const text = stringProblem(v.text, NOTE_TEXT_MAX);
  if (text !== undefined) out.push(`${prefix}text ${text}`);
}

function refuse(problems: string[]): BadRequestException {
  return new BadRequestException({ error: 'INPUT_INVALID', message: problems });
}

/**
 * Validates `{id, text}` — the rules of CreateNoteDto (same as the chaincode's `info:PutNote`) as plain
 * code: the generic class-validator path (instantiate, reflect, validate) costs more per note than the
 * note's whole database write, and batches carry up to 1,000 of them. Messages name the field the
 * same way (`id may contain only …`, `text must be a string`, `extra: property extra should not exist`).
 */
export function validateNote(body: unknown, prefix = ''): NoteInput {
  if (!isRecord(body))
    throw refuse([prefix === '' ? 'request body must be a JSON object' : `${prefix}must be an object`]);
  const problems: string[] = [];
  noteProblems(body, prefix, problems);
  if (problems.length > 0) throw refuse(problems);
  return { id: body.id as string, text: body.text as string };
}

/** `{notes: [...]}` with 1 to 1,000 notes; every bad note is named by its index (`notes.1.id …`). */
export function validateNotesBatch(body: unknown): NoteInput[] {
  if (!isRecord(body)) throw refuse(['request body must be a JSON object']);
  const problems: string[] = [];
  for (const k of Object.keys(body)) if (k !== 'notes') problems.push(`${k}: property ${k} should not exist`);
  const notes = body.notes;
  if (!Array.isArray(notes)) problems.push('notes must be an array');
  else if (notes.length < 1) problems.push('notes must contain at least 1 elements');
  else if (notes.length > NOTES_PER_BATCH_MAX)
    problems.push(`notes must contain no more than ${NOTES_PER_BATCH_MAX} elements`);
  else {
    notes.forEach((n: unknown, i) => {
      if (isRecord(n)) noteProblems(n, `notes.${i}.`, problems);
      else problems.push(`notes.${i} must be an object`);
    });
  }
  if (problems.length > 0) throw refuse(problems);
  return (notes as Record<string, unknown>[]).map((n) => ({ id: n.id as string, text: n.text as string }));
}

/** Body pipe of `POST /v1/notes`. */
@Injectable()
export class NoteBodyPipe implements PipeTransform<unknown, NoteInput> {
  transform(value: unknown): NoteInput {
    return validateNote(value);
  }
}

/** Body pipe of `POST /v1/notes/batch`. */
@Injectable()
export class NotesBatchBodyPipe implements PipeTransform<unknown, NoteInput[]> {
  transform(value: unknown): NoteInput[] {
    return validateNotesBatch(value);
  }
}

/** An `application/x-ndjson` upload of notes, one per line; every bad note is named by its line (`line 3: id …`). */
export function validateNotesUpload(body: unknown): NoteInput[] {
  if (!(body instanceof NdjsonBody)) throw refuse([`request body must be ${NDJSON} (one note per line)`]);
  if (body.values.length === 0) throw refuse(['the upload must contain at least 1 note']);
  const problems: string[] = [];
  body.values.forEach((n: unknown, i) => {
    const prefix = `line ${String(body.lines[i])}: `;
    if (isRecord(n)) noteProblems(n, prefix, problems);
    else problems.push(`${prefix}must be an object`);
  });
  if (problems.length > 0) throw refuse(problems);
  return (body.values as Record<string, unknown>[]).map((n) => ({ id: n.id as string, text: n.text as string }));
}

/** Body pipe of `POST /v1/notes/import`. */
@Injectable()
export class NotesUploadPipe implements PipeTransform<unknown, NoteInput[]> {
  transform(value: unknown): NoteInput[] {
    return validateNotesUpload(value);
  }
}
