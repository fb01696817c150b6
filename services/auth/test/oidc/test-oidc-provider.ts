import { generateKeyPairSync } from "node:crypto";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import { listen } from "@tollgate/service-kit";
import type Provider from "oidc-provider" with { "resolution-mode": "import" };
import { loadOidcProvider } from "./load-oidc-provider";

/** A person with an account at the test provider. */
export interface ProviderAccount {
  email?: string;
  email_verified?: boolean;
  preferred_username?: string;
}

/** How the network between the auth service and the provider behaves. */
export type NetworkMode = "pass" | "tamper-id-token" | "down";

export interface TestOidcProvider {
  /** The issuer the auth service is configured with: the network in front of the provider. */
  issuer: string;
  provider: Provider;
  accounts: Map<string, ProviderAccount>;
  network: { mode: NetworkMode };
  /** Plays the user's browser: from the auth service's redirect to the code at redirect_uri. */
  authorizeInBrowser(authorizeUrl: string, accountId: string): Promise<{ code: string; state: string; redirectedTo: URL }>;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (the certified `oidc-provider`), in-process on a free port. Its
 * login and consent are completed headlessly: the interaction URL is served by a handler here that
 * signs in the account named in `login_hint` and grants the requested scopes with
 * `interactionFinished`. In front of it sits a small forwarding server, the "network", which the
 * tests can make alter the ID token in token responses or drop every connection.
 */
export async function startTestOidcProvider(client: { clientId: string; clientSecret: string; redirectUris: string[] }): Promise<TestOidcProvider> {
  const { default: ProviderClass } = await loadOidcProvider();
  const accounts = new Map<string, ProviderAccount>();
  const network = { mode: "pass" as NetworkMode };

  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const upstream = createServer((req, res) => handle(req, res));
  const upstreamPort = await listen(upstream, 0, "127.0.0.1");
  const front = createServer((req, res) => forward(req, res, upstreamPort, network.mode));
  const issuer = `http://127.0.0.1:${await listen(front, 0, "127.0.0.1")}`;

  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const provider = new ProviderClass(issuer, {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: client.redirectUris,
        // Native: loopback redirect URIs match on any port (RFC 8252), like a desktop client's.
        application_type: "native",
        token_endpoint_auth_method: "client_secret_post",
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    jwks: { keys: [{ ...(privateKey.export({ format: "jwk" }) as Record<string, string>), kid: "test-signing-key", use: "sig", alg: "RS256" }] },
    cookies: { keys: ["test-provider-cookie-key"] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["preferred_username"] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    // Explicit lifetimes keep the provider from printing a notice for each default it falls back to.
    ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, id) => {
      const account = accounts.get(id);
      return account && { accountId: id, claims: () => ({ sub: id, ...account }) };
    },
  });
  provider.use(async (ctx, next) => {
    if (!ctx.path.startsWith("/interaction/")) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const accountId = String(details.params.login_hint ?? "");
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
    ctx.respond = false;
  });
  handle = provider.callback();

  return {
    issuer,
    provider,
    accounts,
    network,
    async authorizeInBrowser(authorizeUrl, accountId) {
      const cookies = new Map<string, string>();
      let url = new URL(authorizeUrl);
      url.searchParams.set("login_hint", accountId);
      for (let hop = 0; hop < 10; hop++) {
        if (!url.href.startsWith(issuer)) {
          const code = url.searchParams.get("code");
          const state = url.searchParams.get("state");
          if (!code || !state) throw new Error(`provider redirected without a code: ${url.href}`);
          return { code, state, redirectedTo: url };
        }
        const response = await fetch(url, { redirect: "manual", headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join("; ") } });
        for (const line of response.headers.getSetCookie()) {
          const [pair] = line.split(";");
          const eq = pair?.indexOf("=") ?? -1;
          if (pair && eq > 0) cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
        }
        const location = response.headers.get("location");
        if (!location) throw new Error(`provider answered ${response.status} without a redirect: ${(await response.text()).slice(0, 300)}`);
        url = new URL(location, url);
      }
      throw new Error("too many redirects at the provider");
    },
    async close() {
      for (const server of [front, upstream]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}

/** Forwards one request to the provider; on the way back may swap the ID token's payload (keeping its signature). */
function forward(req: IncomingMessage, res: ServerResponse, port: number, mode: NetworkMode): void {
  if (mode === "down") {
    req.socket.destroy();
    return;
  }
  const upstream = request({ host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    const chunks: Buffer[] = [];
    answer.on("data", (chunk: Buffer) => chunks.push(chunk));
    answer.on("end", () => {
      let body = Buffer.concat(chunks);
      if (mode === "tamper-id-token" && req.url === "/token" && answer.statusCode === 200) body = Buffer.from(JSON.stringify(tamperIdToken(JSON.parse(body.toString("utf8")))));
      const headers = { ...answer.headers, "content-length": String(body.length) };
      delete headers["transfer-encoding"];
      res.writeHead(answer.statusCode ?? 502, headers).end(body);
    });
  });
  upstream.on("error", () => res.destroy());
  req.pipe(upstream);
}

/** Another subject in the payload, the original signature: what an attacker in the middle would try. */
function tamperIdToken(body: { id_token?: string }): object {
  const [header, payload, signature] = (body.id_token ?? "").split(".");
  const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...claims, sub: "someone-else" })).toString("base64url");
  return { ...body, id_token: `${header}.${forged}.${signature}` };
}
