/**
 * mallchain chaincode entry point: the contracts this chaincode serves. The first one is the
 * default contract (called without a `name:` prefix).
 */
import { InfoContract } from './info/info.contract';

export { InfoContract };

export const contracts: unknown[] = [InfoContract];
