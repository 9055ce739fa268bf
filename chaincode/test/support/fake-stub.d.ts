/**
 * An in-memory ChaincodeStub with Fabric's semantics where they matter to contracts:
 * reads see committed state only (not the transaction's own writes), writes are kept in a
 * write set that is committed only when the transaction function returns, and a thrown
 * error leaves state untouched. One event per transaction, like the real stub.
 */
import type { Contract } from 'fabric-contract-api';
export interface Identity {
    mspId: string;
    role: 'admin' | 'client' | 'peer' | 'member';
    name?: string;
}
export declare const IDS: {
    mallAAdmin: {
        mspId: string;
        role: "admin";
        name: string;
    };
    mallAClient: {
        mspId: string;
        role: "client";
        name: string;
    };
    mallBAdmin: {
        mspId: string;
        role: "admin";
        name: string;
    };
    mallBClient: {
        mspId: string;
        role: "client";
        name: string;
    };
    unknown: {
        mspId: string;
        role: "member";
        name: string;
    };
};
export interface TxEvent {
    name: string;
    payload: unknown;
}
export interface TxResult<T = unknown> {
    txId: string;
    result: T;
    event?: TxEvent;
}
export declare class Ledger {
    readonly state: Map<string, Uint8Array<ArrayBufferLike>>;
    readonly events: TxEvent[];
    /** Transaction time in ms; tests move it forward with {@link advance}. */
    now: number;
    private txCounter;
    channelId: string;
    advance(ms: number): void;
    /** Runs `fn` of `contract` as `who` with string arguments, like a peer would. */
    invoke<T = unknown>(contract: Contract, fn: string, args: string[], who: Identity): Promise<TxResult<T>>;
    /** Snapshot of state as readable key → parsed JSON, for "nothing was written" checks. */
    dump(): Record<string, unknown>;
}
