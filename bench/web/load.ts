import autocannon from 'autocannon';
import { cpuMeter, type CpuShare } from './cpu.ts';

export type LoadResult = {
  name: string;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  requestsPerSecond: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Sessions that were answered during the measured run, and the fewest and most answers one got. */
  sessions: { used: number; fewest: number; most: number };
  cpu: CpuShare;
};

/**
 * `connections` keep-alive connections for `duration` seconds, after a one-second warm-up. Each
 * connection is given one session cookie when autocannon creates it (`setupClient`), so with as
 * many cookies as connections every session has its own connection, all at once; `path` is
 * drawn anew for every request (`setupRequest`). Latencies are taken from each response as
 * autocannon times it (sub-millisecond), 2xx only, and the percentiles computed exactly.
 */
export async function load(url: string, cookies: readonly string[], options: { name: string; connections: number; duration: number; path: () => string; serverPid?: number }): Promise<LoadResult> {
  let assigned = 0;
  const sessionOf = new WeakMap<object, string>();
  const instance = autocannon({
    url,
    connections: options.connections,
    duration: options.duration,
    warmup: { connections: options.connections, duration: 1 },
    setupClient: (client) => {
      const cookie = cookies[assigned++ % cookies.length]!;
      sessionOf.set(client, cookie);
      client.setHeaders({ cookie });
    },
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          request.path = options.path();
          return request;
        },
      },
    ],
  });
  // The warm-up reports to a tracker of its own: these are the measured run's responses only.
  const latencies: number[] = [];
  const perSession = new Map<string, number>();
  instance.on('response', (client: object, status: number, _bytes: number, milliseconds: number) => {
    if (status >= 200 && status < 300) latencies.push(milliseconds);
    const cookie = sessionOf.get(client) ?? '';
    perSession.set(cookie, (perSession.get(cookie) ?? 0) + 1);
  });
  // 'start' comes after the warm-up, when the measured run's connections are made.
  let meter = cpuMeter(options.serverPid);
  instance.on('start', () => {
    meter = cpuMeter(options.serverPid);
  });
  const result = await instance;
  const cpu = meter();
  latencies.sort((a, b) => a - b);
  const at = (fraction: number) => (latencies.length === 0 ? Number.NaN : latencies[Math.max(0, Math.ceil(fraction * latencies.length) - 1)]!);
  const counts = [...perSession.values()];
  return {
    name: options.name,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: at(1),
    requestsPerSecond: result.requests.total / result.duration,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stat]) => [code, stat.count])),
    sessions: { used: counts.length, fewest: counts.length ? Math.min(...counts) : 0, most: counts.length ? Math.max(...counts) : 0 },
    cpu,
  };
}
