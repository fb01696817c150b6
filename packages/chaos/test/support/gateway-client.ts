import { randomBytes } from "node:crypto";

/** A user of a stack, registered and logged in through its gateway. */
export interface StackUser {
  username: string;
  accessToken: string;
}

/** An access token bought through the gateway: its id (for revocation) and value (X-Access-Token). */
export interface BoughtToken {
  id: string;
  token: string;
}

/** Calls a stack only through its gateway, as a desktop client does. */
export class GatewayClient {
  constructor(readonly gatewayUrl: string) {}

  async post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.gatewayUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  }

  /** POST that must succeed: its JSON body. */
  async postOk(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const res = await this.post(path, body, headers);
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  async newUser(): Promise<StackUser> {
    const username = `chaos-${randomBytes(5).toString("hex")}`;
    const password = "a long passphrase for chaos";
    await this.postOk("/api/v1/auth/register", { email: `${username}@example.test`, username, password });
    const login = await this.postOk("/api/v1/auth/login", { login: username, password });
    return { username, accessToken: String(login.access_token) };
  }

  async buyToken(user: StackUser): Promise<BoughtToken> {
    const bought = await this.postOk("/api/v1/tokens/purchase", { duration_hours: 1 }, { authorization: `Bearer ${user.accessToken}` });
    return { id: String(bought.id), token: String(bought.token) };
  }

  /** Revokes a token; resolves once the token service acknowledged it (2xx). */
  async revoke(user: StackUser, tokenId: string): Promise<void> {
    await this.postOk(`/api/v1/tokens/${tokenId}/revoke`, { reason: "chaos" }, { authorization: `Bearer ${user.accessToken}` });
  }

  /** The status the proxy answers for a request with `token`. */
  async proxyStatus(token: string): Promise<number> {
    const res = await fetch(`${this.gatewayUrl}/api/v1/proxy/headers`, { headers: { "X-Access-Token": token } });
    await res.arrayBuffer();
    return res.status;
  }

  /** The gateway's /health: status and body. */
  async health(): Promise<{ status: number; body: { status?: string; services?: Record<string, string> } }> {
    const res = await fetch(`${this.gatewayUrl}/health`);
    return { status: res.status, body: (await res.json()) as { status?: string; services?: Record<string, string> } };
  }
}
