import type { DataSource } from 'typeorm';
import type { DeviceKeysView } from '../ledger/domain/device.ledger';

/** The projected device record (`devices.record`, the chaincode's `device` entity) as far as proofs need it. */
interface CachedRecord {
  readonly did: string;
  readonly type: string;
  readonly status: DeviceKeysView['status'];
  readonly compromisedAt?: string;
  readonly keys: DeviceKeysView['keys'];
}

/**
 * Reads of the device cache (`devices`, projected from the devices contract's events) that stand in for
 * `devices:GetDevice` on the hot path. The copy may lag the ledger by the projection's delay: callers use it only
 * where the chaincode checks again (see docs/huina.md, "Device keys from the cache").
 */
export class DeviceCacheStore {
  constructor(private readonly ds: DataSource) {}

  /** The device's keys, status and type as last projected, or undefined when the cache has no row (yet). */
  async keys(did: string): Promise<DeviceKeysView | undefined> {
    const rows = await this.ds.query<{ record: CachedRecord }[]>('SELECT record FROM devices WHERE did = $1', [did]);
    const r = rows[0]?.record;
    if (r === undefined || !Array.isArray(r.keys)) return undefined;
    return {
      did: r.did,
      type: r.type,
      status: r.status,
      ...(r.compromisedAt === undefined ? {} : { compromisedAt: r.compromisedAt }),
      keys: r.keys,
    };
  }
}
