import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import Stripe from "stripe";

/** A Checkout Session creation as the stub received it (Stripe's form encoding, flattened: `metadata[top_up_id]`, …). */
export type ReceivedSession = Record<string, string>;

/**
 * Stripe's API, the only outside thing these tests stub: answers `POST /v1/checkout/sessions` as
 * Stripe does (a session with an id and a hosted URL), or with a 500 while `failing` is set. The
 * billing service talks to it through the real `stripe` library (host/port/protocol options).
 */
export class StripeStub {
  readonly sessions: ReceivedSession[] = [];
  failing = false;
  private server: http.Server | undefined;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        res.setHeader("Content-Type", "application/json");
        if (req.method !== "POST" || req.url !== "/v1/checkout/sessions") {
          res.writeHead(404).end(JSON.stringify({ error: { type: "invalid_request_error", message: "unknown route" } }));
          return;
        }
        if (this.failing) {
          res.writeHead(500).end(JSON.stringify({ error: { type: "api_error", message: "stub is failing" } }));
          return;
        }
        const params = Object.fromEntries(new URLSearchParams(body));
        this.sessions.push(params);
        const id = `cs_test_${randomBytes(12).toString("hex")}`;
        res.writeHead(200).end(JSON.stringify({ id, object: "checkout.session", url: `https://checkout.stripe.com/c/pay/${id}`, client_reference_id: params.client_reference_id ?? null, payment_status: "unpaid", status: "open" }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return this;
  }

  /** A real `stripe` client pointed at this stub (no retries, so a failing stub fails fast). */
  client(): Stripe {
    const { port } = this.server?.address() as AddressInfo;
    return new Stripe(`sk_test_${randomBytes(12).toString("hex")}`, { host: "127.0.0.1", port, protocol: "http", maxNetworkRetries: 0 });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Posts a Stripe event to the webhook as Stripe would: the JSON body signed with the endpoint's secret by the library's own helper. */
export function signedEvent(event: { id: string; type: string; object: Record<string, unknown> }, secret: string): { body: string; signature: string } {
  const body = JSON.stringify({ id: event.id, object: "event", api_version: "2025-01-27.acacia", created: Math.floor(Date.now() / 1000), type: event.type, livemode: false, data: { object: event.object } });
  return { body, signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret }) };
}
