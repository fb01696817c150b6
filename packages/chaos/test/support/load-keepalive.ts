import http from "node:http";

export interface KeepAliveLoadOptions {
  /** e.g. http://127.0.0.1:3003/api/v1/proxy/headers */
  url: string;
  headers: Record<string, string>;
  /** Requests per second over all connections. */
  ratePerSecond: number;
  /** Keep-alive connections, each sending its requests one after another (as a gateway's upstream pool does). */
  connections: number;
}

export interface KeepAliveLoadResult {
  /** Requests that got a whole response, by status. */
  answered: Map<number, number>;
  /** Responses that said `Connection: close`. */
  connectionClose: number;
  /** ECONNRESET or EPIPE on a request: the server closed a socket the client was writing into. */
  resets: number;
  /** New connections refused: the server no longer accepts, as a draining instance should. */
  refused: number;
  /** Anything else (a response cut short, a time-out): each is a request in flight that was not answered. */
  otherErrors: string[];
}

type Outcome = { status: number; connection: string | undefined } | { error: string };

function send(url: URL, headers: Record<string, string>, agent: http.Agent): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
      res.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    });
    req.setTimeout(30_000, () => req.destroy(Object.assign(new Error("no answer in 30 s"), { code: "CLIENT_TIMEOUT" })));
    req.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
}

/**
 * Paced keep-alive load: `connections` loops, each on its own socket, together `ratePerSecond`.
 * A connection stops when the server refuses a new connection (it stopped accepting) or when
 * `stop()` is called; `done` resolves with what every request met.
 */
export function keepAliveLoad(options: KeepAliveLoadOptions): { stop: () => void; done: Promise<KeepAliveLoadResult> } {
  const url = new URL(options.url);
  const result: KeepAliveLoadResult = { answered: new Map(), connectionClose: 0, resets: 0, refused: 0, otherErrors: [] };
  const intervalMs = (1000 * options.connections) / options.ratePerSecond;
  let stopped = false;

  const connection = async (index: number) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    // Spread the connections' first requests over one interval.
    let next = performance.now() + (intervalMs * index) / options.connections;
    try {
      while (!stopped) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        next += intervalMs;
        if (stopped) return;
        const outcome = await send(url, options.headers, agent);
        if ("error" in outcome) {
          if (outcome.error === "ECONNREFUSED") {
            result.refused++;
            return;
          }
          if (outcome.error === "ECONNRESET" || outcome.error === "EPIPE") result.resets++;
          else result.otherErrors.push(outcome.error);
          continue;
        }
        result.answered.set(outcome.status, (result.answered.get(outcome.status) ?? 0) + 1);
        if (outcome.connection === "close") result.connectionClose++;
      }
    } finally {
      agent.destroy();
    }
  };

  const loops = Array.from({ length: options.connections }, (_, index) => connection(index));
  return {
    stop: () => {
      stopped = true;
    },
    done: Promise.all(loops).then(() => result),
  };
}

/** How many answers in all. */
export const answeredCount = (result: KeepAliveLoadResult): number => [...result.answered.values()].reduce((sum, count) => sum + count, 0);
