// Load generator for the intake benchmark, run in its OWN process (so that its CPU use is not
// counted as the middleware's latency): closed loop, N keep-alive connections, each sending the
// next request as soon as the previous answer arrived. Prints one JSON line with the figures.
import { Agent, request } from 'node:http';

export interface LoadSpec {
  readonly port: number;
  readonly apiKey: string;
  /** Items per request: 1 = POST /v1/notes, more = POST /v1/notes/batch. */
  readonly batch: number;
  readonly connections: number;
  readonly durationMs: number;
  /** Unique per run, so that every item is new (accepted, not a duplicate). */
  readonly idPrefix: string;
}

export interface LoadResult {
  readonly requests: number;
  readonly items: number;
  readonly seconds: number;
  readonly itemsPerSecond: number;
  readonly requestsPerSecond: number;
  readonly p50ms: number;
  readonly p90ms: number;
  readonly p99ms: number;
  readonly maxMs: number;
  /** Answers other than the expected 202 (single) / 200 (batch), by status. */
  readonly unexpected: Record<string, number>;
  /** CPU time the load generator itself used (user + system), ms. */
  readonly cpuMs: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function post(agent: Agent, spec: LoadSpec, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: spec.port,
        path: spec.batch === 1 ? '/v1/notes' : '/v1/notes/batch',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-api-key': spec.apiKey,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          resolve(res.statusCode ?? 0);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  let seq = 0;
  const note = (): string => `{"id":"${spec.idPrefix}-${(seq++).toString(36)}","text":"receipt 128.50 till 7"}`;
  const body = (): string =>
    spec.batch === 1 ? note() : `{"notes":[${Array.from({ length: spec.batch }, note).join(',')}]}`;
  const expected = spec.batch === 1 ? 202 : 200;
  const latencies: number[] = [];
  const unexpected: Record<string, number> = {};
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + spec.durationMs;
  await Promise.all(
    Array.from({ length: spec.connections }, async () => {
      while (performance.now() < end) {
        const b = body();
        const t0 = performance.now();
        const status = await post(agent, spec, b);
        latencies.push(performance.now() - t0);
        if (status !== expected) unexpected[String(status)] = (unexpected[String(status)] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 100) / 100;
  return {
    requests: latencies.length,
    items: latencies.length * spec.batch,
    seconds: round(seconds),
    itemsPerSecond: Math.round((latencies.length * spec.batch) / seconds),
    requestsPerSecond: Math.round(latencies.length / seconds),
    p50ms: round(percentile(latencies, 50)),
    p90ms: round(percentile(latencies, 90)),
    p99ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.at(-1) ?? 0),
    unexpected,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
}

if (require.main === module) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
  run(spec)
    .then((r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
    })
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    });
}
