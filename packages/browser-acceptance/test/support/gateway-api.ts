import { randomBytes, randomUUID } from "node:crypto";
import { proxyLaunchResponseSchema, purchaseTokenResponseSchema, tokenPairResponseSchema, type ProxyLaunchResponse } from "@tollgate/contracts";

/** What a person does through the gateway's REST API before opening the application. */
export class GatewayApi {
  private accessToken: string | undefined;

  constructor(private readonly gatewayUrl: string) {}

  /** Registers a new user and logs in. */
  async signUp(): Promise<void> {
    const username = `nodered${randomUUID().slice(0, 8)}`;
    const password = randomBytes(24).toString("base64url");
    await this.call("POST", "/api/v1/auth/register", { body: { email: `${username}@example.test`, username, password } }, 201);
    const pair = tokenPairResponseSchema.parse(await this.call("POST", "/api/v1/auth/login", { body: { login: username, password } }, 200));
    this.accessToken = pair.access_token;
  }

  /** Buys an access token good for one hour: its id and the plaintext, shown once. */
  async buyAccess(): Promise<{ id: string; token: string }> {
    return purchaseTokenResponseSchema.parse(await this.call("POST", "/api/v1/tokens/purchase", { body: { duration_hours: 1 }, bearer: true }, 201));
  }

  /** A one-time URL that opens the application on the app origin. */
  async launch(accessToken: string, path = "/"): Promise<ProxyLaunchResponse> {
    return proxyLaunchResponseSchema.parse(await this.call("POST", "/api/v1/proxy/launch", { body: { path }, headers: { "x-access-token": accessToken } }, 201));
  }

  async revoke(tokenId: string): Promise<void> {
    await this.call("POST", `/api/v1/tokens/${tokenId}/revoke`, { bearer: true }, 200);
  }

  private async call(method: string, path: string, options: { body?: unknown; bearer?: boolean; headers?: Record<string, string> }, expected: number): Promise<unknown> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (options.bearer) headers.authorization = `Bearer ${this.accessToken ?? "(not logged in)"}`;
    const res = await fetch(`${this.gatewayUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    if (res.status !== expected) throw new Error(`${method} ${path} answered ${res.status}, expected ${expected}: ${text}`);
    return text === "" ? undefined : JSON.parse(text);
  }
}
