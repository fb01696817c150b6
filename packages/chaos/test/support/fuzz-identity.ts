import { randomBytes } from "node:crypto";
import type { FuzzIdentity } from "./fuzz-draft";

async function call(gatewayUrl: string, method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${gatewayUrl}${path}`, { method, headers: { "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A user registered and signed in through the gateway, with a token bought and a game opened. */
export async function signedInIdentity(gatewayUrl: string): Promise<FuzzIdentity> {
  const username = `fuzz${randomBytes(5).toString("hex")}`;
  const password = "a long passphrase here";
  const registered = await call(gatewayUrl, "POST", "/api/v1/auth/register", { email: `${username}@example.test`, username, password });
  const login = await call(gatewayUrl, "POST", "/api/v1/auth/login", { login: username, password });
  const bearer = { authorization: `Bearer ${String(login.access_token)}` };
  const token = await call(gatewayUrl, "POST", "/api/v1/tokens/purchase", { duration_hours: 1 }, bearer);
  const game = await call(gatewayUrl, "POST", "/api/v1/games", {}, bearer);
  return { username, userId: String(registered.id), bearer: String(login.access_token), accessToken: String(token.token), tokenId: String(token.id), gameId: String(game.id) };
}
