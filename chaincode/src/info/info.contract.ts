import { Info, Returns, Transaction } from 'fabric-contract-api';
import { MallContract } from '../common/base.contract';
import { parseJsonArg } from '../common/canonical';
import { authError, inputError, notFound } from '../common/errors';
import { requireOrgUser } from '../common/identity';
import { MallContext, getJson, key, put } from '../common/state';
import { txTimeIso } from '../common/clock';
import { ID_RULE, asObject, str } from '../common/validate';

/** Chaincode version reported by `info:Version`; bump with every release. */
export const CHAINCODE_VERSION = '0.1.0';

interface NoteRecord {
  id: string;
  text: string;
  writtenBy: string;
  writtenAt: string;
}

/**
 * Diagnostics: the deployed version and a trivial record, used by operators and by the
 * network's readiness check (a first transaction that commits).
 */
@Info({ title: 'info', description: 'Chaincode version and a smoke-test record' })
export class InfoContract extends MallContract {
  constructor() {
    super('info');
  }

  @Transaction(false)
  @Returns('string')
  Version(): Promise<string> {
    return Promise.resolve(JSON.stringify({ name: 'mallchain', version: CHAINCODE_VERSION }));
  }

  /** Writes `{ id, text }` as a note; any mall admin or client may, and only that mall may overwrite it. */
  @Transaction()
  @Returns('string')
  async PutNote(ctx: MallContext, request: string): Promise<string> {
    const who = requireOrgUser(ctx);
    const fields = asObject(parseJsonArg(request, 'request'), 'request');
    const id = str(fields, 'id', ID_RULE);
    const text = str(fields, 'text', { max: 1024 });
    const earlier = await getJson<NoteRecord>(ctx, key(ctx, 'note', id));
    if (earlier && earlier.writtenBy !== who.mspId) {
      throw authError('AUTH_FORBIDDEN', `note ${id} was written by ${earlier.writtenBy}; caller is ${who.mspId}`);
    }
    const note: NoteRecord = { id, text, writtenBy: who.mspId, writtenAt: txTimeIso(ctx) };
    await put(ctx, 'note', key(ctx, 'note', id), note);
    return JSON.stringify(note);
  }

  @Transaction(false)
  @Returns('string')
  async GetNote(ctx: MallContext, id: string): Promise<string> {
    if (!id) throw inputError('id', 'must not be empty');
    const note = await getJson<NoteRecord>(ctx, key(ctx, 'note', id));
    if (!note) throw notFound('note', id);
    return JSON.stringify(note);
  }
}
