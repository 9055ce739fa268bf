import { Contract } from 'fabric-contract-api';
import { MallContext, emitChanges } from './state';

/**
 * Base of every mallchain contract: gives each transaction a {@link MallContext} and emits
 * the transaction's change journal as one event once the function has succeeded.
 */
export abstract class MallContract extends Contract {
  override createContext(): MallContext {
    return new MallContext();
  }

  override async afterTransaction(ctx: MallContext, _result: unknown): Promise<void> {
    emitChanges(ctx, ctx.stub.getFunctionAndParameters().fcn);
    return Promise.resolve();
  }
}
