import { generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import jwt from "jsonwebtoken";

export const ISSUER = "tollgate-auth-test";
export const AUDIENCE = "tollgate";

export interface TestUser {
  userId: string;
  sessionId: string;
  token: string;
}

/**
 * Plays the auth service: an RSA key pair made for this test run, its public half served as a
 * real JWKS over HTTP, and RS256 access tokens signed with the private half.
 */
export class TestTokenIssuer {
  readonly kid = `test-${randomUUID().slice(0, 8)}`;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private server: Server | undefined;
  jwksUrl = "";

  constructor() {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  async start(): Promise<this> {
    const jwks = { keys: [{ ...this.publicKey.export({ format: "jwk" }), kid: this.kid, use: "sig", alg: "RS256" }] };
    this.server = createServer((_req, res) => {
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.jwksUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  sign(claims: { sub: string; sid: string }, options: { expiresInSeconds?: number; privateKey?: KeyObject; audience?: string } = {}): string {
    return jwt.sign(
      { ...claims, typ: "access", role: "user", jti: randomUUID() },
      options.privateKey ?? this.privateKey,
      {
        algorithm: "RS256",
        keyid: this.kid,
        issuer: ISSUER,
        audience: options.audience ?? AUDIENCE,
        expiresIn: options.expiresInSeconds ?? 900,
      },
    );
  }

  user(): TestUser {
    const userId = randomUUID();
    const sessionId = randomUUID();
    return { userId, sessionId, token: this.sign({ sub: userId, sid: sessionId }) };
  }
}
