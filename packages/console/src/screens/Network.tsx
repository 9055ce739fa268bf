import type { ReactNode } from 'react';
import { api } from '../api';
import type { ChaincodeStatus, ChannelListing, ChannelSummary, Health, OrgIdentities } from '../types';
import { Figure, Loaded, Table, useLoad } from '../ui';

function detail(v: Record<string, unknown>, name: string): string {
  const x = v[name];
  return typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean' ? String(x) : '';
}

/**
 * The channel's config block as this mall's peer serves it: ordering (Raft or BFT, consenters) and every organisation
 * of the channel with its anchor peers. Known for every mall, reachable or not.
 */
function ChannelConfig({ channel }: { channel: string }): ReactNode {
  const load = useLoad(
    () => api.get<ChannelSummary>(`/v1/admin/consortium/channels/${encodeURIComponent(channel)}`),
    [channel],
  );
  if (load.error !== undefined) return <p className="error">{load.error}</p>;
  if (load.data === undefined) return <p>…</p>;
  const c = load.data.consensus;
  return (
    <>
      <p>
        Ordering:{' '}
        <span data-testid={`consensus-${channel}`}>
          {c.type} with {c.consenters.length} consenters ({c.consenters.join(', ')}); config block{' '}
          {load.data.configBlock}, sequence {load.data.configSequence}
        </span>
      </p>
      <Table
        caption={`Channel ${channel}: organisations in the config block, with their anchor peers`}
        rows={load.data.orgs}
        rowId={(o) => `config-org-${channel}-${o.mspId}`}
        columns={[
          { title: 'MSP ID', cell: (o) => o.mspId },
          { title: 'section', cell: (o) => o.section },
          { title: 'anchor peers', cell: (o) => o.anchorPeers.join(', ') || 'none' },
        ]}
      />
    </>
  );
}

/** Heights of the peers this middleware reached, and the peers it could not ask (height unknown, not zero). */
function heightRows(c: ChannelListing): { peer: string; height: string; note: string }[] {
  const rows = [
    ...Object.entries(c.heights).map(([peer, h]) => ({ peer, height: String(h), note: 'reached' })),
    ...Object.entries(c.unreachable).map(([peer, why]) => ({ peer, height: 'unreachable', note: why })),
  ];
  return rows.sort((a, b) => a.peer.localeCompare(b.peer));
}

function checkpointOf(projection: Record<string, unknown>): string {
  const c = projection.checkpoint as { blockNumber?: unknown } | null | undefined;
  return typeof c?.blockNumber === 'string' ? c.blockNumber : 'none';
}

/** Network: this mall's health (live), the channel's peers with their heights, orderers, orgs, chaincode approvals. */
export function NetworkScreen(): ReactNode {
  // /health answers 503 with the same body when something is down: read it either way.
  const health = useLoad(
    async () => {
      const res = await fetch('/health', { headers: { accept: 'application/json' } });
      return (await res.json()) as Health;
    },
    [],
    5_000,
  );
  const channels = useLoad(() => api.get<ChannelListing[]>('/v1/admin/consortium/channels'), [], 30_000);
  const orgs = useLoad(() => api.get<OrgIdentities[]>('/v1/admin/consortium/orgs'), []);
  const chaincode = useLoad(() => api.get<ChaincodeStatus>('/v1/admin/consortium/chaincode'), [], 30_000);
  return (
    <>
      <section aria-labelledby="health-h">
        <h3 id="health-h">Health of this mall (refreshed every 5 s)</h3>
        <Loaded load={health}>
          {(h) => (
            <>
              <div className="figures" role="group" aria-label="Health">
                <Figure id="health-overall" label="overall" value={h.status} />
                {Object.entries(h.details).map(([name, v]) => (
                  <Figure key={name} id={`health-${name}`} label={name} value={v.status} />
                ))}
              </div>
              <p data-testid="projection-detail">
                projection checkpoint block {checkpointOf(h.details.projection ?? {})}, lag{' '}
                {detail(h.details.projection ?? {}, 'lagBlocks')} blocks; intake oldest pending{' '}
                {detail(h.details.intake ?? {}, 'oldestPendingMs') || '0'} ms
              </p>
            </>
          )}
        </Loaded>
      </section>
      <section aria-labelledby="channels-h">
        <h3 id="channels-h">Channels and peers</h3>
        <Loaded load={channels}>
          {(list) =>
            list.map((c) => (
              <div key={c.channel}>
                <Table
                  caption={`Channel ${c.channel}: height per peer (peers this middleware can reach)`}
                  rows={heightRows(c)}
                  rowId={(r) => `height-${r.peer}`}
                  columns={[
                    { title: 'peer', cell: (r) => r.peer },
                    { title: 'height', cell: (r) => r.height, numeric: true },
                    { title: 'note', cell: (r) => r.note },
                  ]}
                />
                <p>
                  Orderers: {c.orderers.join(', ')}. Members: {c.members.join(', ')}.
                </p>
                <ChannelConfig channel={c.channel} />
              </div>
            ))
          }
        </Loaded>
      </section>
      <section aria-labelledby="orgs-h">
        <h3 id="orgs-h">Organisations</h3>
        <Loaded load={orgs}>
          {(list) => (
            <Table
              caption="Member organisations"
              rows={list}
              rowId={(o) => `org-${o.mspId}`}
              columns={[
                { title: 'MSP ID', cell: (o) => o.mspId },
                { title: 'domain', cell: (o) => o.domain },
                { title: 'admins', cell: (o) => o.admins.length, numeric: true },
              ]}
            />
          )}
        </Loaded>
      </section>
      <section aria-labelledby="cc-h">
        <h3 id="cc-h">Chaincode definition</h3>
        <Loaded load={chaincode}>
          {(cc) => (
            <>
              <p data-testid="chaincode-committed">
                {cc.name} on {cc.channel}:{' '}
                {cc.committed ? `sequence ${cc.committed.sequence}, version ${cc.committed.version}` : 'not committed'}
              </p>
              <Table
                caption="Approvals per organisation"
                rows={cc.orgs}
                rowId={(o) => `approval-${o.mspId}`}
                columns={[
                  { title: 'MSP ID', cell: (o) => o.mspId },
                  {
                    title: 'approved',
                    cell: (o) => (o.approved ? `sequence ${o.approved.sequence} (${o.approved.version})` : 'none'),
                  },
                ]}
              />
            </>
          )}
        </Loaded>
      </section>
    </>
  );
}
