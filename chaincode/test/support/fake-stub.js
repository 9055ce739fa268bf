"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Ledger = exports.IDS = void 0;
const SEP = '\u0000';
exports.IDS = {
    mallAAdmin: { mspId: 'MallAMSP', role: 'admin', name: 'Admin@mall-a.example.com' },
    mallAClient: { mspId: 'MallAMSP', role: 'client', name: 'User1@mall-a.example.com' },
    mallBAdmin: { mspId: 'MallBMSP', role: 'admin', name: 'Admin@mall-b.example.com' },
    mallBClient: { mspId: 'MallBMSP', role: 'client', name: 'User1@mall-b.example.com' },
    unknown: { mspId: 'OtherMSP', role: 'member', name: 'someone@other.example.com' },
};
class Ledger {
    state = new Map();
    events = [];
    /** Transaction time in ms; tests move it forward with {@link advance}. */
    now = Date.parse('2026-03-01T02:00:00Z');
    txCounter = 0;
    channelId = 'mallchannel';
    advance(ms) {
        this.now += ms;
    }
    /** Runs `fn` of `contract` as `who` with string arguments, like a peer would. */
    async invoke(contract, fn, args, who) {
        const txId = `tx${String(++this.txCounter).padStart(6, '0')}`;
        const tx = new FakeTx(this, txId, fn, args);
        const ctx = contract.createContext();
        ctx.setChaincodeStub(tx);
        ctx.setClientIdentity(fakeIdentity(who));
        const method = contract[fn];
        if (typeof method !== 'function')
            throw new Error(`no transaction ${fn}`);
        await contract.beforeTransaction(ctx);
        const raw = await method.call(contract, ctx, ...args);
        await contract.afterTransaction(ctx, raw);
        tx.commit();
        const result = (typeof raw === 'string' && raw.length > 0 ? JSON.parse(raw) : raw);
        return { txId, result, event: tx.event };
    }
    /** Snapshot of state as readable key → parsed JSON, for "nothing was written" checks. */
    dump() {
        const out = {};
        for (const [k, v] of [...this.state.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
            out[k.split(SEP).filter(Boolean).join('/')] = JSON.parse(Buffer.from(v).toString('utf8'));
        }
        return out;
    }
}
exports.Ledger = Ledger;
function fakeIdentity(who) {
    const cn = who.name ?? `${who.role}@${who.mspId}`;
    const ou = who.role === 'member' ? '' : `/OU=${who.role}`;
    const id = `x509::/C=US/ST=California/L=San Francisco${ou}/CN=${cn}::/C=US/ST=California/L=San Francisco/O=${who.mspId}/CN=ca.${who.mspId}`;
    return {
        getMSPID: () => who.mspId,
        getID: () => id,
        getAttributeValue: () => null,
        assertAttributeValue: () => false,
        getIDBytes: () => Buffer.from(id),
    };
}
class FakeTx {
    ledger;
    txId;
    fn;
    args;
    writes = new Map();
    validation = new Map();
    event;
    constructor(ledger, txId, fn, args) {
        this.ledger = ledger;
        this.txId = txId;
        this.fn = fn;
        this.args = args;
    }
    getTxID() {
        return this.txId;
    }
    getChannelID() {
        return this.ledger.channelId;
    }
    getFunctionAndParameters() {
        return { fcn: this.fn, params: this.args };
    }
    getTxTimestamp() {
        return { seconds: Math.floor(this.ledger.now / 1000), nanos: (this.ledger.now % 1000) * 1_000_000 };
    }
    getDateTimestamp() {
        return new Date(this.ledger.now);
    }
    getMspID() {
        return 'PeerMSP';
    }
    getState(key) {
        return Promise.resolve(this.ledger.state.get(key) ?? new Uint8Array(0));
    }
    putState(key, value) {
        if (!key)
            throw new Error('key must not be empty');
        this.writes.set(key, value);
        return Promise.resolve();
    }
    deleteState(key) {
        this.writes.set(key, null);
        return Promise.resolve();
    }
    setStateValidationParameter(key, ep) {
        this.validation.set(key, ep);
        return Promise.resolve();
    }
    getStateValidationParameter(key) {
        return Promise.resolve(this.validation.get(key) ?? new Uint8Array(0));
    }
    createCompositeKey(objectType, attributes) {
        return SEP + objectType + SEP + attributes.map((a) => a + SEP).join('');
    }
    splitCompositeKey(key) {
        const parts = key.split(SEP).slice(1, -1);
        return { objectType: parts[0] ?? '', attributes: parts.slice(1) };
    }
    getStateByPartialCompositeKey(objectType, attributes) {
        const prefix = this.createCompositeKey(objectType, attributes);
        return Promise.resolve(this.iterate((k) => k.startsWith(prefix)));
    }
    getStateByRange(start, end) {
        return Promise.resolve(this.iterate((k) => k >= start && (end === '' || k < end) && !k.startsWith(SEP)));
    }
    getHistoryForKey() {
        return Promise.reject(new Error('history is not available in unit tests'));
    }
    setEvent(name, payload) {
        this.event = { name, payload: JSON.parse(Buffer.from(payload).toString('utf8')) };
    }
    commit() {
        for (const [k, v] of this.writes) {
            if (v === null)
                this.ledger.state.delete(k);
            else
                this.ledger.state.set(k, v);
        }
        if (this.event)
            this.ledger.events.push(this.event);
    }
    iterate(match) {
        const keys = [...this.ledger.state.keys()].filter(match).sort();
        let i = 0;
        const state = this.ledger.state;
        return {
            next: () => {
                const k = keys[i++];
                if (k === undefined)
                    return Promise.resolve({ done: true, value: { key: '', value: new Uint8Array(0) } });
                return Promise.resolve({ done: false, value: { key: k, value: state.get(k) ?? new Uint8Array(0) } });
            },
            close: () => Promise.resolve(),
        };
    }
}
//# sourceMappingURL=fake-stub.js.map