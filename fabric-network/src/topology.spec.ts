import {
  CHAINCODE_PORTS_PER_MALL,
  MALL_LETTERS,
  chaincodeServerPort,
  listeningPorts,
  mallIndex,
  topology,
} from './topology';

describe('topology', () => {
  it('gives the dev profile one orderer and two malls, every port distinct and offset from the base', () => {
    const t = topology('dev', 7000);
    expect(t.orderers.map((o) => o.port)).toEqual([7050]);
    expect(t.malls.map((m) => [m.mspId, m.peer.host, m.peer.port])).toEqual([
      ['MallAMSP', 'peer0.mall-a.example.com', 7101],
      ['MallBMSP', 'peer0.mall-b.example.com', 7111],
    ]);
    const ports = listeningPorts(t).map((p) => p.port);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('gives the bft profile four orderers, every port distinct', () => {
    const t = topology('bft', 30000);
    expect(t.orderers.map((o) => [o.name, o.port, o.adminPort, o.operationsPort])).toEqual([
      ['orderer0', 30050, 30060, 30070],
      ['orderer1', 30051, 30061, 30071],
      ['orderer2', 30052, 30062, 30072],
      ['orderer3', 30053, 30063, 30073],
    ]);
    const ports = listeningPorts(t).map((p) => p.port);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('gives the ha profile three orderers', () => {
    const t = topology('ha', 20000);
    expect(t.orderers.map((o) => [o.name, o.port, o.adminPort])).toEqual([
      ['orderer0', 20050, 20060],
      ['orderer1', 20051, 20061],
      ['orderer2', 20052, 20062],
    ]);
  });

  it('lets two networks with different bases run side by side', () => {
    const a = new Set(listeningPorts(topology('ha', 7000)).map((p) => p.port));
    const b = listeningPorts(topology('ha', 8000)).map((p) => p.port);
    expect(b.filter((p) => a.has(p))).toEqual([]);
  });

  it('moves the chaincode server to a new port for each sequence (blue/green upgrades)', () => {
    expect(chaincodeServerPort(7000, 1)).toBe(7200);
    expect(chaincodeServerPort(7000, 2)).toBe(7201);
    expect(chaincodeServerPort(7000, 17)).toBe(7200);
  });

  it("gives every mall's chaincode server its own ports, below the middlewares'", () => {
    const t = topology('dev', 7000, MALL_LETTERS.length);
    const ports = t.malls.flatMap((m) =>
      Array.from({ length: CHAINCODE_PORTS_PER_MALL }, (_, s) => chaincodeServerPort(7000, s + 1, mallIndex(m))),
    );
    expect(new Set(ports).size).toBe(ports.length);
    expect(Math.min(...ports)).toBe(7200);
    expect(Math.max(...ports)).toBeLessThan(7300);
    expect(chaincodeServerPort(7000, 1, mallIndex({ name: 'MallB' }))).toBe(7216);
    expect(() => mallIndex({ name: 'MallZ' })).toThrow(/MallZ/);
  });
});
