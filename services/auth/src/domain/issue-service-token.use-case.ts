import { createHash, timingSafeEqual } from "node:crypto";
import type { ServiceTokenRequest, ServiceTokenResponse } from "@tollgate/contracts";
import { InvalidClientError } from "./auth-errors";
import type { SessionTokens } from "./session-tokens";

/** A client allowed the grant: config.ts reads them from the environment (its schema has this shape). */
export interface ServiceClient {
  clientId: string;
  secretSha256: string;
  scopes: string[];
}

const sha256 = (value: string) => createHash("sha256").update(value).digest();

/** Client-credentials grant for service-to-service calls; clients and scopes come from config. */
export class IssueServiceTokenUseCase {
  private readonly clients: Map<string, ServiceClient>;

  constructor(private readonly deps: { clients: ServiceClient[]; tokens: SessionTokens }) {
    this.clients = new Map(deps.clients.map((client) => [client.clientId, client]));
  }

  async execute(input: ServiceTokenRequest): Promise<ServiceTokenResponse> {
    const client = this.clients.get(input.client_id);
    // Hash comparison in constant time; an unknown client costs the same as a wrong secret.
    const expected = Buffer.from(client?.secretSha256 ?? "0".repeat(64), "hex");
    const matches = timingSafeEqual(sha256(input.client_secret), expected);
    if (!client || !matches) throw new InvalidClientError();
    const scope = client.scopes.join(" ");
    return { access_token: await this.deps.tokens.serviceToken(client.clientId, scope), token_type: "Bearer", expires_in: this.deps.tokens.settings.serviceTokenTtlSeconds, scope };
  }
}
