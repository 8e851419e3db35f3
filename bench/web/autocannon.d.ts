// autocannon ships no types and no @types package is installed: only what bench/web uses.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    type Request = {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      /** Per request, on the connection's own copy of the request; return it changed. */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
    };

    type Client = EventEmitter & { setHeaders(headers: Record<string, string>): void };

    type Options = {
      url: string;
      connections?: number;
      duration?: number;
      timeout?: number;
      pipelining?: number;
      requests?: Request[];
      /** Called once per connection, before its first request. */
      setupClient?: (client: Client) => void;
      warmup?: { connections?: number; duration?: number };
    };

    type Histogram = { average: number; mean: number; stddev: number; min: number; max: number; total: number; p50: number; p90: number; p99: number };

    type Result = {
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      resets: number;
      mismatches: number;
      '2xx': number;
      statusCodeStats: Record<string, { count: number }>;
      latency: Histogram;
      requests: Histogram & { sent: number };
    };

    type Instance = EventEmitter & PromiseLike<Result>;
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export default autocannon;
}
