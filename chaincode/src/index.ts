/**
 * mallchain chaincode entry point: the contracts this chaincode serves. The first one is the
 * default contract (called without a `name:` prefix).
 */
import { InfoContract } from './info/info.contract';
import { PointsContract } from './points/points.contract';

export { InfoContract, PointsContract };

export const contracts: unknown[] = [InfoContract, PointsContract];
