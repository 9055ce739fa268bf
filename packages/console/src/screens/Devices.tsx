import { type ReactNode, useState } from 'react';
import { api } from '../api';
import { currentKey } from '../lib/figures';
import type { Attestation, Device } from '../types';
import { ActionButton, Loaded, Table, useLoad } from '../ui';

const DAY_MS = 86_400_000;

function LastAttestation({ did }: { did: string }): ReactNode {
  const load = useLoad(() => {
    // The API answers at most 31 days at once: the last 30 and the next one (clock skew of a device).
    const now = Date.now();
    const from = new Date(now - 30 * DAY_MS).toISOString();
    const to = new Date(now + DAY_MS).toISOString();
    return api.get<Attestation[]>(`/v1/devices/${encodeURIComponent(did)}/attestations?from=${from}&to=${to}`);
  }, [did]);
  if (load.error !== undefined) return <span className="error">{load.error}</span>;
  if (load.data === undefined) return '…';
  const last = load.data.reduce<Attestation | undefined>(
    (a, b) => (a === undefined || b.seq > a.seq ? b : a),
    undefined,
  );
  return last === undefined ? 'none' : `#${last.seq} to ${last.periodEnd}`;
}

function keyValidity(d: Device): string {
  const keys = d.record.keys ?? [];
  const k = currentKey(keys, new Date());
  if (k === undefined) return `no valid key (${keys.length} keys)`;
  return `${k.kid.split('#')[1] ?? k.kid} since ${k.validFrom}`;
}

/** Devices: the registry from the cache, with suspend / reactivate / revoke relayed through the intake. */
export function DevicesScreen(): ReactNode {
  const [status, setStatus] = useState('');
  const load = useLoad(
    () => api.get<Device[]>(`/v1/devices${status === '' ? '' : `?status=${status}`}`),
    [status],
    10_000,
  );
  const change = (d: Device, what: 'suspend' | 'reactivate' | 'revoke') => async (): Promise<string> => {
    // A reactivation takes no reason.
    const body = what === 'reactivate' ? {} : { reason: `console: ${what}` };
    const ack = await api.post<{ trackingId: string }>(`/v1/devices/${encodeURIComponent(d.did)}/${what}`, body);
    return `${what} accepted (${ack.trackingId.slice(0, 8)})`;
  };
  return (
    <>
      <label htmlFor="device-status">Status</label>
      <select
        id="device-status"
        value={status}
        onChange={(e) => {
          setStatus(e.target.value);
        }}
      >
        <option value="">all</option>
        <option value="active">active</option>
        <option value="suspended">suspended</option>
        <option value="revoked">revoked</option>
      </select>
      <button
        type="button"
        onClick={() => {
          load.reload();
        }}
      >
        Refresh
      </button>
      <Loaded load={load}>
        {(devices) => (
          <Table
            caption={`Device registry (${devices.length})`}
            rows={devices}
            rowId={(d) => `device-${d.did}`}
            empty="No devices registered."
            columns={[
              { title: 'DID', cell: (d) => <code>{d.did}</code> },
              { title: 'type', cell: (d) => d.type },
              { title: 'site', cell: (d) => d.record.location?.site ?? '' },
              { title: 'status', cell: (d) => d.status },
              { title: 'key', cell: keyValidity },
              { title: 'last attestation', cell: (d) => <LastAttestation did={d.did} /> },
              {
                title: 'actions',
                cell: (d) =>
                  d.status === 'revoked' ? (
                    'revoked'
                  ) : (
                    <>
                      {d.status === 'active' ? (
                        <ActionButton label={`Suspend ${d.did.slice(-6)}`} action={change(d, 'suspend')} />
                      ) : (
                        <ActionButton label={`Reactivate ${d.did.slice(-6)}`} action={change(d, 'reactivate')} />
                      )}
                      <ActionButton
                        label={`Revoke ${d.did.slice(-6)}`}
                        danger
                        confirm={`Revoke ${d.did}? This cannot be undone.`}
                        action={change(d, 'revoke')}
                      />
                    </>
                  ),
              },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}
