import { topology } from '../topology';
import { hostsPlan, mallOrgs, namespaceRoutes, orgOfProcess, rootRoutes } from './plan';

describe('separate-hosts plan', () => {
  const plan = hostsPlan(topology('dev', 36400, 3));

  it('gives every organisation its own namespace, bridge address and management /30, all prefixed mcf-', () => {
    expect(plan.orgs.map((o) => [o.ns, o.address, o.mgmtRoot, o.mgmtNs])).toEqual([
      ['mcf-ord', '10.77.0.10', '10.77.1.1', '10.77.1.2'],
      ['mcf-a', '10.77.0.11', '10.77.2.1', '10.77.2.2'],
      ['mcf-b', '10.77.0.12', '10.77.3.1', '10.77.3.2'],
      ['mcf-c', '10.77.0.13', '10.77.4.1', '10.77.4.2'],
    ]);
    for (const o of plan.orgs) for (const n of [o.ns, o.link, o.mgmt]) expect(n.length).toBeLessThanOrEqual(15);
    expect(mallOrgs(plan).map((o) => o.org)).toEqual(['MallA', 'MallB', 'MallC']);
  });

  it("routes a namespace's faulty forwarders to the other organisations only, and Postgres over its own link", () => {
    const c = plan.orgs[3]!;
    const routes = namespaceRoutes(plan, c);
    const faulty = routes.filter((r) => r.faulty);
    expect(faulty.every((r) => r.listen.host === '127.0.0.1' && r.target.host !== c.address)).toBe(true);
    expect(faulty.map((r) => r.listen.port)).not.toContain(36521); // its own peer is local
    expect(faulty.find((r) => r.listen.port === 36511)?.target).toEqual({ host: '10.77.0.12', port: 36511 });
    expect(routes.filter((r) => !r.faulty)).toEqual([
      { listen: { host: '127.0.0.1', port: 5432 }, target: { host: '10.77.4.1', port: 5432 }, faulty: false },
    ]);
    const listened = routes.map((r) => r.listen.port);
    expect(new Set(listened).size).toBe(listened.length);
  });

  it('lets the operator host reach every node over management links, never through a faulty route', () => {
    const routes = rootRoutes(plan);
    expect(routes.some((r) => r.faulty)).toBe(false);
    expect(routes.find((r) => r.listen.port === 36450)?.target).toEqual({ host: '10.77.1.2', port: 36450 });
    expect(routes.find((r) => r.listen.port === 36720)?.target).toEqual({ host: '10.77.4.2', port: 36720 });
    expect(routes.find((r) => r.listen.port === 36600)?.target).toEqual({ host: '10.77.2.2', port: 36600 });
  });

  it("routes each mall's own chaincode server ports to that mall's namespace (one server per mall)", () => {
    const routes = rootRoutes(plan);
    // base + 200 + 16 × mall + (sequence − 1)
    expect(routes.find((r) => r.listen.port === 36616)?.target).toEqual({ host: '10.77.3.2', port: 36616 }); // MallB, seq 1
    expect(routes.find((r) => r.listen.port === 36633)?.target).toEqual({ host: '10.77.4.2', port: 36633 }); // MallC, seq 2
    const listened = routes.map((r) => `${r.listen.host}:${r.listen.port}`);
    expect(new Set(listened).size).toBe(listened.length);
  });

  it('places orderers and peers by process name, nothing else', () => {
    expect(orgOfProcess(plan, 'orderer0.mallchain.example.com')?.ns).toBe('mcf-ord');
    expect(orgOfProcess(plan, 'peer0.mall-b.example.com')?.ns).toBe('mcf-b');
    expect(orgOfProcess(plan, 'peer0.mall-z.example.com')).toBeUndefined();
    expect(orgOfProcess(plan, 'middleware-mall-a')).toBeUndefined();
  });
});
