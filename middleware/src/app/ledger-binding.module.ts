import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { LEDGER } from '../ledger/ledger.port';

/** Binds the LEDGER token once for the whole application (real driver in production, a fake in tests). */
@Global()
@Module({})
export class LedgerBindingModule {
  static forRoot(provider: Provider): DynamicModule {
    return { module: LedgerBindingModule, providers: [provider], exports: [LEDGER] };
  }
}
