/**
 * What each Caliper round does, in terms of the mallchain chaincode (docs/points.md, docs/did-method.md,
 * docs/devices.md) and independent of Caliper: a scenario prepares its own world per worker (programs, merchants,
 * members, DIDs, devices — fresh IDs, the ledger persists between runs) and then builds one request per
 * transaction. workload.js binds it to Caliper's adapter.
 */
import { type ChainKey, newKey, uniqueSuffix } from '../support/chain-keys';
import { attestation, createDid, redeemWithConsent, registerDevice, trafficStatement } from '../support/chain-requests';

/** One chaincode call as Caliper's Fabric connector takes it. */
export interface Call {
  readonly fn: string;
  readonly request: unknown;
  /** `MallAMSP` by default. */
  readonly msp?: string;
  /** `User1` (client) by default. */
  readonly identity?: 'User1' | 'Admin';
  readonly readOnly?: boolean;
}

/** Sends a call and resolves with its JSON answer; rejects when it failed. */
export type Send = (call: Call) => Promise<unknown>;

export interface Scenario {
  prepare(send: Send): Promise<void>;
  next(): Call;
}

export interface RoundArguments {
  readonly scenario: 'accrue' | 'accrue-batch' | 'redeem' | 'balance' | 'did-resolve' | 'attest';
  readonly channel: string;
  /** Items per AccrueBatch. */
  readonly batchSize?: number;
  /** Members (redeem, balance), DIDs (resolve) or devices (attest) per worker: spreads the keys written. */
  readonly spread?: number;
}

const MALL_A = 'MallAMSP';
const MALL_B = 'MallBMSP';

/** Mall A's program and food court, Mall B's program and car park: what every points round starts from. */
async function programs(send: Send, s: string): Promise<{ programA: string; merchantA: string; merchantB: string }> {
  const programA = `cal-pa-${s}`;
  const programB = `cal-pb-${s}`;
  const merchantA = `cal-ma-${s}`;
  const merchantB = `cal-mb-${s}`;
  const admin = (msp: string, fn: string, request: unknown): Promise<unknown> =>
    send({ fn, request, msp, identity: 'Admin' });
  await admin(MALL_A, 'points:RegisterProgram', {
    programId: programA,
    name: 'Mall A Rewards',
    unitValueFen: 10,
    expiryMonths: 12,
    returnWindowDays: 0,
  });
  await admin(MALL_B, 'points:RegisterProgram', {
    programId: programB,
    name: 'Mall B Club',
    unitValueFen: 5,
    expiryMonths: 24,
    returnWindowDays: 0,
  });
  await admin(MALL_A, 'points:RegisterMerchant', {
    merchantId: merchantA,
    name: 'Food court',
    category: 'food',
    programId: programA,
  });
  await admin(MALL_B, 'points:RegisterMerchant', {
    merchantId: merchantB,
    name: 'Car park P2',
    category: 'parking',
    programId: programB,
  });
  return { programA, merchantA, merchantB };
}

async function members(send: Send, channel: string, n: number): Promise<ChainKey[]> {
  const keys = Array.from({ length: n }, () => newKey('ES256'));
  for (const k of keys) await send({ fn: 'dids:CreateDid', request: createDid(channel, k) });
  return keys;
}

/** points:Accrue, one receipt per transaction, of a member of the worker's own. */
class Accrue implements Scenario {
  #s = uniqueSuffix();
  #n = 0;
  #programA = '';
  #merchantA = '';
  #members: ChainKey[] = [];
  constructor(protected readonly args: RoundArguments) {}
  async prepare(send: Send): Promise<void> {
    ({ programA: this.#programA, merchantA: this.#merchantA } = await programs(send, this.#s));
    this.#members = await members(send, this.args.channel, this.args.spread ?? 4);
  }
  protected member(): ChainKey {
    return this.#members[this.#n % this.#members.length]!;
  }
  protected ref(): string {
    return `cal-rcpt-${this.#s}-${String(this.#n++)}`;
  }
  protected get program(): string {
    return this.#programA;
  }
  next(): Call {
    const member = this.member();
    return {
      fn: 'points:Accrue',
      request: {
        programId: this.#programA,
        member: member.did,
        amount: 10,
        sourceRef: this.ref(),
        merchant: this.#merchantA,
      },
    };
  }
}

/** points:AccrueBatch of `batchSize` receipts per transaction. */
class AccrueBatch extends Accrue {
  override next(): Call {
    const items = Array.from({ length: this.args.batchSize ?? 10 }, () => ({
      member: this.member().did,
      amount: 10,
      sourceRef: this.ref(),
    }));
    return { fn: 'points:AccrueBatch', request: { programId: this.program, items } };
  }
}

/** points:GetBalance of the worker's members (evaluated, not ordered). */
class Balance extends Accrue {
  override async prepare(send: Send): Promise<void> {
    await super.prepare(send);
    for (let i = 0; i < (this.args.spread ?? 4); i++) await send(super.next());
  }
  override next(): Call {
    return { fn: 'points:GetBalance', request: { member: this.member().did, programId: this.program }, readOnly: true };
  }
}

/** points:Redeem at Mall B's car park of Mall A points, each with the member's signed consent; Mall B submits. */
class Redeem implements Scenario {
  #s = uniqueSuffix();
  #n = 0;
  #programA = '';
  #merchantB = '';
  #members: ChainKey[] = [];
  constructor(private readonly args: RoundArguments) {}
  async prepare(send: Send): Promise<void> {
    ({ programA: this.#programA, merchantB: this.#merchantB } = await programs(send, this.#s));
    this.#members = await members(send, this.args.channel, this.args.spread ?? 8);
    for (const [i, m] of this.#members.entries()) {
      const items = Array.from({ length: 20 }, (_, j) => ({
        member: m.did,
        amount: 500,
        sourceRef: `cal-seed-${this.#s}-${String(i)}-${String(j)}`,
      }));
      await send({ fn: 'points:AccrueBatch', request: { programId: this.#programA, items } });
    }
  }
  next(): Call {
    const member = this.#members[this.#n % this.#members.length]!;
    const n = this.#n++;
    const terms = {
      merchant: this.#merchantB,
      ref: `cal-park-${this.#s}-${String(n)}`,
      member: member.did,
      programId: this.#programA,
      amount: 1,
      nonce: `cal-n-${this.#s}-${String(n)}`,
      deadline: new Date(Date.now() + 10 * 60_000).toISOString(),
    };
    return { fn: 'points:Redeem', request: redeemWithConsent(this.args.channel, terms, member), msp: MALL_B };
  }
}

/** dids:ResolveDid of DIDs the worker created (evaluated). */
class DidResolve implements Scenario {
  #n = 0;
  #dids: string[] = [];
  constructor(private readonly args: RoundArguments) {}
  async prepare(send: Send): Promise<void> {
    this.#dids = (await members(send, this.args.channel, this.args.spread ?? 8)).map((k) => k.did);
  }
  next(): Call {
    return { fn: 'dids:ResolveDid', request: { did: this.#dids[this.#n++ % this.#dids.length] }, readOnly: true };
  }
}

/** devices:SubmitAttestations: one signed traffic statement per transaction, devices of Mall A in turn. */
class Attest implements Scenario {
  #n = 0;
  #devices: { key: ChainKey; seq: number; from: number }[] = [];
  constructor(private readonly args: RoundArguments) {}
  async prepare(send: Send): Promise<void> {
    const s = uniqueSuffix();
    for (let i = 0; i < (this.args.spread ?? 8); i++) {
      const key = newKey('ES256');
      const location = { site: 'Mall A', floor: 'F1', zone: `cal-${s}-${String(i)}`, entrance: 'North gate' };
      const device = (await send({
        fn: 'devices:RegisterDevice',
        request: registerDevice(this.args.channel, key, MALL_A, location),
        identity: 'Admin',
      })) as { registeredAt: string };
      this.#devices.push({ key, seq: 0, from: Date.parse(device.registeredAt) });
    }
  }
  next(): Call {
    const d = this.#devices[this.#n++ % this.#devices.length]!;
    const seq = ++d.seq;
    const at = (k: number): string => new Date(d.from + k * 10).toISOString();
    const records = JSON.stringify([{ seq, inNum: 100 + seq, outNum: 90 }]);
    const statement = trafficStatement(
      this.args.channel,
      d.key.did,
      seq,
      { start: at(seq - 1), end: at(seq) },
      records,
      { inNum: 100 + seq, outNum: 90 },
      1,
    );
    return { fn: 'devices:SubmitAttestations', request: { attestations: [attestation(statement, d.key)] } };
  }
}

export function scenario(args: RoundArguments): Scenario {
  switch (args.scenario) {
    case 'accrue':
      return new Accrue(args);
    case 'accrue-batch':
      return new AccrueBatch(args);
    case 'balance':
      return new Balance(args);
    case 'redeem':
      return new Redeem(args);
    case 'did-resolve':
      return new DidResolve(args);
    case 'attest':
      return new Attest(args);
  }
}
