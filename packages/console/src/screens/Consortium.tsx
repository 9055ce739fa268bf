import type { ReactNode } from 'react';
import { api } from '../api';
import type { AuditEntry, Proposal } from '../types';
import { ActionButton, Loaded, Table, useLoad } from '../ui';

/** Consortium: config-update proposals with their signatures (sign, submit), and the admin audit log. */
export function ConsortiumScreen(): ReactNode {
  const proposals = useLoad(() => api.get<Proposal[]>('/v1/admin/consortium/proposals'), []);
  const audit = useLoad(
    () => api.get<{ items: AuditEntry[]; total: number }>('/v1/admin/consortium/audit?limit=20'),
    [],
  );
  return (
    <>
      <section aria-labelledby="proposals-h">
        <h3 id="proposals-h">Proposals</h3>
        <Loaded load={proposals}>
          {(list) => (
            <Table
              caption="Config update proposals"
              rows={list}
              rowId={(p) => `proposal-${p.id}`}
              empty="No proposals."
              columns={[
                { title: 'operation', cell: (p) => `${p.operation} on ${p.channel}` },
                { title: 'changes', cell: (p) => p.changes.join('; ') },
                { title: 'status', cell: (p) => p.status },
                { title: 'needs', cell: (p) => p.requiredPolicies.join(', ') },
                { title: 'signed by', cell: (p) => p.signatures.map((s) => s.mspId).join(', ') || 'nobody yet' },
                {
                  title: 'actions',
                  cell: (p) =>
                    p.status !== 'open' ? (
                      p.status
                    ) : (
                      <>
                        <ActionButton
                          label={`Sign ${p.id.slice(0, 8)}`}
                          action={async () => {
                            const v = await api.post<Proposal>(`/v1/admin/consortium/proposals/${p.id}/sign`);
                            proposals.reload();
                            return `signed: ${v.signatures.length} signature(s)`;
                          }}
                        />
                        <ActionButton
                          label={`Submit ${p.id.slice(0, 8)}`}
                          confirm="Submit this config update to the orderers?"
                          action={async () => {
                            const op = await api.post<{ operationId?: string; id?: string }>(
                              `/v1/admin/consortium/proposals/${p.id}/submit`,
                            );
                            proposals.reload();
                            return `submitted (operation ${op.operationId ?? op.id ?? ''})`;
                          }}
                        />
                      </>
                    ),
                },
              ]}
            />
          )}
        </Loaded>
      </section>
      <section aria-labelledby="audit-h">
        <h3 id="audit-h">Audit log</h3>
        <Loaded load={audit}>
          {(page) => (
            <Table
              caption={`Latest admin requests (${page.total} in all)`}
              rows={page.items}
              rowId={(a) => `audit-${a.id}`}
              empty="No admin requests yet."
              columns={[
                { title: 'at', cell: (a) => a.startedAt },
                { title: 'actor', cell: (a) => a.actor },
                { title: 'operation', cell: (a) => a.operation },
                { title: 'result', cell: (a) => a.result },
              ]}
            />
          )}
        </Loaded>
      </section>
    </>
  );
}
