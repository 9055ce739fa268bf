import { Contract } from 'fabric-contract-api';
import { WriteBuffer } from './batch';
import { MallContext, emitChanges } from './state';

/**
 * Base of every mallchain contract: gives each transaction a {@link MallContext}, holds its
 * writes until the function has succeeded and sends them to the peer in one message
 * (`WRITE_BATCH_STATE`, common/batch.ts), then emits the transaction's change journal as one
 * event.
 */
export abstract class MallContract extends Contract {
  override createContext(): MallContext {
    return new MallContext();
  }

  override async beforeTransaction(ctx: MallContext): Promise<void> {
    const stub = ctx.stub;
    const direct = { put: stub.putState.bind(stub), del: stub.deleteState.bind(stub) };
    const writes = new WriteBuffer(stub, direct);
    ctx.writes = writes;
    // Every write of the transaction, whichever module makes it, goes into the buffer.
    stub.putState = (key: string, value: Uint8Array): Promise<void> => {
      writes.put(key, value);
      return Promise.resolve();
    };
    stub.deleteState = (key: string): Promise<void> => {
      writes.del(key);
      return Promise.resolve();
    };
    return Promise.resolve();
  }

  override async afterTransaction(ctx: MallContext, _result: unknown): Promise<void> {
    await ctx.writes?.flush();
    emitChanges(ctx, ctx.stub.getFunctionAndParameters().fcn);
  }
}
