/**
 * Fewer round trips between the chaincode and its peer: writes are buffered for the whole
 * transaction and sent as one `WRITE_BATCH_STATE` message, and a list of keys is read with one
 * `GET_STATE_MULTIPLE` message. Fabric 3.1 peers handle both (core/chaincode/handler.go); the
 * messages are defined in `@hyperledger/fabric-protos` 0.3.7, but fabric-shim 2.5.8 — whose
 * protos (0.2.x) predate them — never sends them. So the two message bodies are encoded here
 * (protobuf wire format, a handful of fields) and sent through the shim's own message handler.
 *
 * Semantics do not change: Fabric's GetState never sees the transaction's own writes, so
 * sending the writes at the end of the transaction rather than one by one is invisible to the
 * contract code; the last write of a key wins, as in the peer's write set. A transaction that
 * fails sends nothing. Where the stub has no shim handler (the unit tests' ledger) or the
 * handler lacks the method this relies on, writes are replayed one by one and reads go key by
 * key: the same results, the old round trips.
 */

/** ChaincodeMessage.Type values of fabric-protos 0.3.7 (peer/chaincode_shim.proto). */
export const MSG_WRITE_BATCH_STATE = 24;
export const MSG_GET_STATE_MULTIPLE = 25;
/** WriteRecord.Type values. */
const RECORD_PUT_STATE = 9;
const RECORD_DEL_STATE = 10;

/** Records per WRITE_BATCH_STATE message (the peer's default `maxSizeWriteBatch`). */
export const MAX_WRITE_BATCH = 1000;
/** Keys per GET_STATE_MULTIPLE message (the peer's default `maxSizeGetMultipleKeys`). */
export const MAX_GET_MULTIPLE = 1000;

export interface WriteRecord {
  readonly key: string;
  /** undefined: delete the key. */
  readonly value?: Uint8Array;
}

// ---- protobuf wire format (only what the two messages need) ----

function varint(n: number, out: number[]): void {
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** A length-delimited field (wire type 2): string, bytes or embedded message. */
function lengthDelimited(fieldNo: number, data: Uint8Array, out: number[]): void {
  varint((fieldNo << 3) | 2, out);
  varint(data.length, out);
  for (const b of data) out.push(b);
}

const utf8 = new TextEncoder();

/** `WriteRecord { string key = 1; bytes value = 2; string collection = 3; StateMetadata metadata = 4; Type type = 5; }` */
function encodeRecord(r: WriteRecord): Uint8Array {
  const out: number[] = [];
  lengthDelimited(1, utf8.encode(r.key), out);
  if (r.value !== undefined && r.value.length > 0) lengthDelimited(2, r.value, out);
  varint((5 << 3) | 0, out);
  varint(r.value === undefined ? RECORD_DEL_STATE : RECORD_PUT_STATE, out);
  return Uint8Array.from(out);
}

/** `WriteBatchState { repeated WriteRecord rec = 1; }` */
export function encodeWriteBatch(records: readonly WriteRecord[]): Uint8Array {
  const out: number[] = [];
  for (const r of records) lengthDelimited(1, encodeRecord(r), out);
  return Uint8Array.from(out);
}

/** `GetStateMultiple { repeated string keys = 1; string collection = 2; }` (public state: no collection). */
export function encodeGetStateMultiple(keys: readonly string[]): Uint8Array {
  const out: number[] = [];
  for (const k of keys) lengthDelimited(1, utf8.encode(k), out);
  return Uint8Array.from(out);
}

function readVarint(buf: Uint8Array, at: { pos: number }): number {
  let result = 0;
  let scale = 1;
  for (;;) {
    const b = buf[at.pos++];
    if (b === undefined) throw new Error('GET_STATE_MULTIPLE answer: truncated varint');
    result += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return result;
    scale *= 128;
  }
}

/** `GetStateMultipleResult { repeated bytes values = 1; }`: one value per key asked, empty when absent. */
export function decodeGetStateMultipleResult(payload: Uint8Array): Uint8Array[] {
  const values: Uint8Array[] = [];
  const at = { pos: 0 };
  while (at.pos < payload.length) {
    const tag = readVarint(payload, at);
    if (tag !== ((1 << 3) | 2)) throw new Error(`GET_STATE_MULTIPLE answer: unexpected field tag ${tag}`);
    const len = readVarint(payload, at);
    if (at.pos + len > payload.length) throw new Error('GET_STATE_MULTIPLE answer: truncated value');
    values.push(payload.subarray(at.pos, at.pos + len));
    at.pos += len;
  }
  return values;
}

// ---- sending through the shim ----

interface ShimMessage {
  setType(t: number): void;
  setPayload(p: Uint8Array): void;
  setTxid(t: string): void;
  setChannelId(c: string): void;
}

interface ShimHandler {
  _askPeerAndListen(msg: ShimMessage, method: string): Promise<Buffer>;
}

interface ShimStub {
  readonly handler?: Partial<ShimHandler>;
  readonly channel_id?: string;
  readonly txId?: string;
}

/** The shim's own ChaincodeMessage class: its gRPC stream accepts instances of exactly that class. */
let messageClass: (new () => ShimMessage) | null | undefined;
function shimMessageClass(): (new () => ShimMessage) | null {
  if (messageClass !== undefined) return messageClass;
  try {
    const shimDir = require.resolve('fabric-shim');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const protos = require(require.resolve('@hyperledger/fabric-protos', { paths: [shimDir] })) as {
      peer?: { ChaincodeMessage?: new () => ShimMessage };
    };
    messageClass = protos.peer?.ChaincodeMessage ?? null;
  } catch {
    messageClass = null;
  }
  return messageClass;
}

/** What reads fall back to without a shim handler. */
export interface StateReader {
  getState(key: string): Promise<Uint8Array>;
}

/** The shim handler of a real stub, or undefined (unit-test stubs, an unexpected shim). */
function peerLink(stub: unknown): { handler: ShimHandler; channel: string; txId: string } | undefined {
  const s = stub as ShimStub;
  const handler = s.handler;
  if (typeof handler?._askPeerAndListen !== 'function') return undefined;
  if (typeof s.channel_id !== 'string' || typeof s.txId !== 'string') return undefined;
  if (!shimMessageClass()) return undefined;
  return { handler: handler as ShimHandler, channel: s.channel_id, txId: s.txId };
}

async function ask(
  link: NonNullable<ReturnType<typeof peerLink>>,
  type: number,
  payload: Uint8Array,
  method: string,
): Promise<Buffer> {
  const Message = shimMessageClass();
  if (!Message) throw new Error('fabric-shim message class not found');
  const msg = new Message();
  msg.setType(type);
  msg.setPayload(payload);
  msg.setTxid(link.txId);
  msg.setChannelId(link.channel);
  return link.handler._askPeerAndListen(msg, method);
}

/** Writes and deletes of one transaction, held until {@link WriteBuffer.flush}. */
export class WriteBuffer {
  private readonly pending = new Map<string, Uint8Array | undefined>();
  /** Messages sent by the last flush (0 when there was nothing to write). */
  messagesSent = 0;

  constructor(
    private readonly stub: unknown,
    private readonly direct: {
      put: (key: string, value: Uint8Array) => Promise<void>;
      del: (key: string) => Promise<void>;
    },
  ) {}

  put(key: string, value: Uint8Array): void {
    if (typeof key !== 'string' || key.length === 0) throw new Error('key must not be empty');
    this.pending.delete(key); // keep the order of last writes
    this.pending.set(key, value);
  }

  del(key: string): void {
    if (typeof key !== 'string' || key.length === 0) throw new Error('key must not be empty');
    this.pending.delete(key);
    this.pending.set(key, undefined);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Sends every held write: one message per {@link MAX_WRITE_BATCH} records, or key by key without a peer link. */
  async flush(): Promise<void> {
    const records: WriteRecord[] = [...this.pending].map(([key, value]) => ({ key, value }));
    this.pending.clear();
    this.messagesSent = 0;
    if (records.length === 0) return;
    const link = peerLink(this.stub);
    if (!link) {
      for (const r of records) await (r.value === undefined ? this.direct.del(r.key) : this.direct.put(r.key, r.value));
      this.messagesSent = records.length;
      return;
    }
    for (let i = 0; i < records.length; i += MAX_WRITE_BATCH) {
      await ask(
        link,
        MSG_WRITE_BATCH_STATE,
        encodeWriteBatch(records.slice(i, i + MAX_WRITE_BATCH)),
        'WriteBatchState',
      );
      this.messagesSent++;
    }
  }
}

/**
 * Committed values of `keys` (empty where absent), in order: one GET_STATE_MULTIPLE message per
 * {@link MAX_GET_MULTIPLE} keys, or one GET_STATE per key without a peer link.
 */
export async function getStateMultiple(stub: StateReader, keys: readonly string[]): Promise<Uint8Array[]> {
  if (keys.length === 0) return [];
  const link = peerLink(stub);
  if (!link || keys.length === 1) {
    const one: Uint8Array[] = [];
    for (const k of keys) one.push(await stub.getState(k));
    return one;
  }
  const out: Uint8Array[] = [];
  for (let i = 0; i < keys.length; i += MAX_GET_MULTIPLE) {
    const chunk = keys.slice(i, i + MAX_GET_MULTIPLE);
    const payload = await ask(link, MSG_GET_STATE_MULTIPLE, encodeGetStateMultiple(chunk), 'GetStateMultiple');
    const values = decodeGetStateMultipleResult(payload);
    if (values.length !== chunk.length) {
      throw new Error(`GET_STATE_MULTIPLE answered ${values.length} values for ${chunk.length} keys`);
    }
    out.push(...values);
  }
  return out;
}
