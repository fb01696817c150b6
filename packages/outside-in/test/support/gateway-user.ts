import { randomBytes } from "node:crypto";
import { GATEWAY } from "./stack";

export interface GatewayUser {
  id: string;
  username: string;
  accessToken: string;
}

async function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${GATEWAY}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A new user, registered and logged in through the gateway. */
export async function newUser(): Promise<GatewayUser> {
  const username = `gw-${randomBytes(5).toString("hex")}`;
  const password = "a long passphrase here";
  const registered = await postJson("/api/v1/auth/register", { email: `${username}@example.test`, username, password });
  const login = await postJson("/api/v1/auth/login", { login: username, password });
  return { id: String(registered.id), username, accessToken: String(login.access_token) };
}

/** An access token for the proxy, bought by `user`. */
export async function buyToken(user: GatewayUser): Promise<string> {
  const bought = await postJson("/api/v1/tokens/purchase", { duration_hours: 1 }, { authorization: `Bearer ${user.accessToken}` });
  return String(bought.token);
}
