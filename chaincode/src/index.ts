/**
 * mallchain chaincode entry point: the contracts this chaincode serves. The first one is the
 * default contract (called without a `name:` prefix).
 */
import { InfoContract } from './info/info.contract';
import { PointsContract } from './points/points.contract';
import { DidContract } from './dids/did.contract';
import { StatusContract } from './status/status.contract';
import { DeviceContract } from './devices/device.contract';
import { JointStatsContract } from './jointstats/jointstats.contract';

export { InfoContract, PointsContract, DidContract, StatusContract, DeviceContract, JointStatsContract };

export const contracts: unknown[] = [
  InfoContract,
  PointsContract,
  DidContract,
  StatusContract,
  DeviceContract,
  JointStatsContract,
];
