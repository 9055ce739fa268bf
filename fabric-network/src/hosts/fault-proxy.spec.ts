import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';
import { FaultProxy, checkFaults } from './fault-proxy';

/** An echo server on a free loopback port. */
async function echo(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Sends `text`, resolves with what came back (or how the connection ended) and the time it took. */
function roundTrip(port: number, text: string): Promise<{ got: string; ms: number; error?: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let got = '';
    const s: Socket = connect(port, '127.0.0.1', () => {
      s.write(text);
    });
    s.on('data', (b: Buffer) => {
      got += b.toString();
      if (got.length >= text.length) {
        s.destroy();
        resolve({ got, ms: Date.now() - started });
      }
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      resolve({ got, ms: Date.now() - started, error: e.code ?? e.message });
    });
    s.on('close', () => {
      resolve({ got, ms: Date.now() - started, error: got.length < text.length ? 'closed' : undefined });
    });
  });
}

async function until(fn: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('fault proxy', () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  const proxied = async (faulty = true): Promise<{ proxy: FaultProxy; port: number }> => {
    const target = await echo();
    closers.push(() => new Promise((r) => target.server.close(r)));
    const port = await freePort();
    const proxy = new FaultProxy([
      { listen: { host: '127.0.0.1', port }, target: { host: '127.0.0.1', port: target.port }, faulty },
    ]);
    closers.push(() => proxy.close());
    proxy.start(true);
    await until(() => Promise.resolve(proxy.stats()[0]!.open));
    return { proxy, port };
  };

  it('forwards bytes both ways unchanged', async () => {
    const { port } = await proxied();
    expect(await roundTrip(port, 'hello across the bridge')).toMatchObject({ got: 'hello across the bridge' });
  });

  it('opens its listener only once the target answers', async () => {
    const port = await freePort();
    const targetPort = await freePort();
    const proxy = new FaultProxy([
      { listen: { host: '127.0.0.1', port }, target: { host: '127.0.0.1', port: targetPort }, faulty: true },
    ]);
    closers.push(() => proxy.close());
    proxy.start(true);
    await new Promise((r) => setTimeout(r, 700));
    expect(proxy.stats()[0]!.open).toBe(false);
    expect((await roundTrip(port, 'x')).error).toBe('ECONNREFUSED');
    const target = createServer((s) => {
      s.on('error', () => undefined);
      s.pipe(s);
    });
    await new Promise<void>((r) => target.listen(targetPort, '127.0.0.1', r));
    closers.push(() => new Promise((r) => target.close(r)));
    await until(() => Promise.resolve(proxy.stats()[0]!.open));
    expect((await roundTrip(port, 'now')).got).toBe('now');
  });

  it('delays each direction by the latency', async () => {
    const { proxy, port } = await proxied();
    proxy.setFaults({ latencyMs: 150, jitterMs: 0, dropRate: 0 });
    const r = await roundTrip(port, 'slow');
    expect(r.got).toBe('slow');
    expect(r.ms).toBeGreaterThanOrEqual(290); // there and back
  });

  it('refuses every new connection with dropRate 1, counts it, and forwards again once cleared', async () => {
    const { proxy, port } = await proxied();
    proxy.setFaults({ latencyMs: 0, jitterMs: 0, dropRate: 1 });
    const r = await roundTrip(port, 'lost');
    expect(r.got).toBe('');
    expect(r.error).toBeDefined();
    expect(proxy.stats()[0]!.dropped).toBe(1);
    proxy.setFaults({ latencyMs: 0, jitterMs: 0, dropRate: 0 });
    expect((await roundTrip(port, 'back')).got).toBe('back');
  });

  it('resets a connection after its lifetime', async () => {
    const { proxy, port } = await proxied();
    proxy.setFaults({ latencyMs: 0, jitterMs: 0, dropRate: 0, resetAfterMs: [100, 100] });
    const ended = await new Promise<string>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.on('error', (e: NodeJS.ErrnoException) => {
        resolve(e.code ?? 'error');
      });
      s.on('close', () => {
        resolve('closed');
      });
    });
    expect(['ECONNRESET', 'closed']).toContain(ended);
    expect(proxy.stats()[0]!.reset).toBe(1);
  });

  it('never applies faults to a route that is not faulty (management links)', async () => {
    const { proxy, port } = await proxied(false);
    proxy.setFaults({ latencyMs: 0, jitterMs: 0, dropRate: 1 });
    expect((await roundTrip(port, 'mgmt')).got).toBe('mgmt');
    expect(proxy.stats()[0]!.dropped).toBe(0);
  });

  it('refuses bad fault settings, naming the field', () => {
    expect(() => checkFaults({ dropRate: 2 })).toThrow('faults.dropRate must be a number between 0 and 1');
    expect(() => checkFaults({ latencyMs: -1 })).toThrow('faults.latencyMs');
    expect(() => checkFaults({ resetAfterMs: [500, 100] })).toThrow('faults.resetAfterMs');
    expect(() => checkFaults(null)).toThrow('expected an object');
    expect(checkFaults({})).toEqual({ latencyMs: 0, jitterMs: 0, dropRate: 0 });
  });
});
