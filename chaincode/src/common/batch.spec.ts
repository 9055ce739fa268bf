import {
  MAX_WRITE_BATCH,
  StateReader,
  MSG_GET_STATE_MULTIPLE,
  MSG_WRITE_BATCH_STATE,
  WriteBuffer,
  decodeGetStateMultipleResult,
  encodeGetStateMultiple,
  encodeWriteBatch,
  getStateMultiple,
} from './batch';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * Golden bytes: made with @hyperledger/fabric-protos 0.3.7 (peer.WriteBatchState, WriteRecord,
 * GetStateMultiple, GetStateMultipleResult `serializeBinary`), the definitions the peer decodes with.
 */
describe('wire encoding of the Fabric 3.1 batch messages', () => {
  it('encodes WriteBatchState as fabric-protos 0.3.7 does (a put with a composite key, a delete)', () => {
    const bytes = encodeWriteBatch([{ key: '\u0000lot\u0000m1\u0000', value: Buffer.from('{"a":1}') }, { key: 'k2' }]);
    expect(hex(bytes)).toBe('0a150a08006c6f74006d310012077b2261223a317d28090a060a026b32280a');
  });

  it('encodes GetStateMultiple as fabric-protos 0.3.7 does', () => {
    expect(hex(encodeGetStateMultiple(['a', '\u0000bc']))).toBe('0a01610a03006263');
  });

  it('decodes GetStateMultipleResult, empty values for absent keys, long values (two-byte lengths)', () => {
    const payload = Buffer.from(`0a01780a000ac801${'01'.repeat(200)}`, 'hex');
    const values = decodeGetStateMultipleResult(payload);
    expect(values.map((v) => v.length)).toEqual([1, 0, 200]);
    expect(Buffer.from(values[0] ?? []).toString()).toBe('x');
  });

  it('refuses a truncated or foreign answer instead of guessing', () => {
    expect(() => decodeGetStateMultipleResult(Buffer.from('0a05786', 'hex'))).toThrow(/truncated/);
    expect(() => decodeGetStateMultipleResult(Buffer.from('1201', 'hex'))).toThrow(/unexpected field tag/);
  });

  it('uses the message types of fabric-protos 0.3.7', () => {
    expect([MSG_WRITE_BATCH_STATE, MSG_GET_STATE_MULTIPLE]).toEqual([24, 25]);
  });
});

interface Sent {
  type: number;
  payload: Uint8Array;
  txid: string;
  channel: string;
  method: string;
}

/** A stub as fabric-shim builds it: `handler`, `channel_id`, `txId`; the handler records what is sent. */
function shimStub(answer: (m: Sent) => Buffer = () => Buffer.alloc(0)): { stub: StateReader; sent: Sent[] } {
  const sent: Sent[] = [];
  const handler = {
    _askPeerAndListen(
      msg: { getType(): number; getPayload_asU8(): Uint8Array; getTxid(): string; getChannelId(): string },
      method: string,
    ) {
      const m = {
        type: msg.getType(),
        payload: msg.getPayload_asU8(),
        txid: msg.getTxid(),
        channel: msg.getChannelId(),
        method,
      };
      sent.push(m);
      return Promise.resolve(answer(m));
    },
  };
  const stub = {
    handler,
    channel_id: 'mallchannel',
    txId: 'tx1',
    getState: () => Promise.reject(new Error('GET_STATE must not be sent')),
  };
  return { stub, sent };
}

describe('WriteBuffer', () => {
  const never = {
    put: () => Promise.reject(new Error('PUT_STATE sent')),
    del: () => Promise.reject(new Error('DEL_STATE sent')),
  };

  it('sends every write of a transaction in one WRITE_BATCH_STATE message, last write of a key winning', async () => {
    const { stub, sent } = shimStub();
    const w = new WriteBuffer(stub, never);
    w.put('a', Buffer.from('1'));
    w.put('b', Buffer.from('2'));
    w.del('c');
    w.put('a', Buffer.from('3'));
    await w.flush();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 24, txid: 'tx1', channel: 'mallchannel', method: 'WriteBatchState' });
    expect(hex(sent[0]?.payload ?? new Uint8Array())).toBe(
      hex(
        encodeWriteBatch([{ key: 'b', value: Buffer.from('2') }, { key: 'c' }, { key: 'a', value: Buffer.from('3') }]),
      ),
    );
    await w.flush();
    expect(sent).toHaveLength(1); // nothing held any more
  });

  it(`splits more than ${MAX_WRITE_BATCH} writes into several messages`, async () => {
    const { stub, sent } = shimStub();
    const w = new WriteBuffer(stub, never);
    for (let i = 0; i < MAX_WRITE_BATCH * 2 + 1; i++) w.put(`k${i}`, Buffer.from('v'));
    await w.flush();
    expect(sent.map((m) => m.type)).toEqual([24, 24, 24]);
  });

  it('replays writes one by one where the stub has no shim handler (same writes, old round trips)', async () => {
    const log: string[] = [];
    const w = new WriteBuffer(
      {},
      {
        put: (k) => {
          log.push(`put ${k}`);
          return Promise.resolve();
        },
        del: (k) => {
          log.push(`del ${k}`);
          return Promise.resolve();
        },
      },
    );
    w.put('a', Buffer.from('1'));
    w.del('b');
    await w.flush();
    expect(log).toEqual(['put a', 'del b']);
  });

  it('refuses an empty key at the write, as the shim does', () => {
    const w = new WriteBuffer(shimStub().stub, never);
    expect(() => {
      w.put('', Buffer.from('x'));
    }).toThrow(/empty/);
  });
});

describe('getStateMultiple', () => {
  it('reads many keys in one GET_STATE_MULTIPLE message, in order', async () => {
    const { stub, sent } = shimStub(() => Buffer.from('0a01310a000a0133', 'hex'));
    const values = await getStateMultiple(stub, ['a', 'b', 'c']);
    expect(values.map((v) => Buffer.from(v).toString())).toEqual(['1', '', '3']);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 25, method: 'GetStateMultiple' });
    expect(hex(sent[0]?.payload ?? new Uint8Array())).toBe(hex(encodeGetStateMultiple(['a', 'b', 'c'])));
  });

  it('fails loudly when the peer answers another number of values than keys asked', async () => {
    const { stub } = shimStub(() => Buffer.from('0a0131', 'hex'));
    await expect(getStateMultiple(stub, ['a', 'b'])).rejects.toThrow(/1 values for 2 keys/);
  });
});
