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

/** What a 1 h token costs now, in minor units (at least 1: a top-up is never of zero). */
async function hourPrice(): Promise<number> {
  const res = await fetch(`${GATEWAY}/api/v1/billing/prices`);
  const { prices } = (await res.json()) as { prices: { duration_hours: number; unit_amount: number }[] };
  return Math.max(1, prices.find((price) => price.duration_hours === 1)?.unit_amount ?? 0);
}

/** A new user, registered and logged in through the gateway. */
export async function newUser(): Promise<GatewayUser> {
  const username = `gw-${randomBytes(5).toString("hex")}`;
  const password = "a long passphrase here";
  const registered = await postJson("/api/v1/auth/register", { email: `${username}@example.test`, username, password });
  const login = await postJson("/api/v1/auth/login", { login: username, password });
  return { id: String(registered.id), username, accessToken: String(login.access_token) };
}

/**
 * An access token for the proxy, bought by `user`. The stack sells at real prices
 * (infra/local/env/billing.env): the wallet gets the price from the development top-up first.
 */
export async function buyToken(user: GatewayUser): Promise<string> {
  const authorization = `Bearer ${user.accessToken}`;
  await postJson("/api/v1/billing/dev/top-ups", { amount: await hourPrice() }, { authorization });
  const bought = await postJson("/api/v1/tokens/purchase", { duration_hours: 1 }, { authorization });
  return String(bought.token);
}
