import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import { JwtVerifier } from "@tollgate/service-kit";

export interface IssuedUser {
  token: string;
  userId: string;
  sessionId: string;
}

export interface AuthFixture {
  verifier: JwtVerifier;
  /** A signed-in user's access token. */
  user(role?: "user" | "admin"): Promise<IssuedUser>;
  /** A service token carrying `scope`. */
  serviceToken(scope: string): Promise<string>;
  close(): Promise<void>;
}

const ISSUER = "tollgate-auth";
const AUDIENCE = "tollgate";
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

function signJwt(privateKey: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const input = `${b64({ alg: "RS256", typ: "JWT", kid })}.${b64(claims)}`;
  return `${input}.${sign("sha256", Buffer.from(input), privateKey).toString("base64url")}`;
}

/** RS256 tokens shaped exactly as the auth service issues them, verified by the shared verifier. */
export async function startAuthFixture(): Promise<AuthFixture> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = randomUUID().replace(/-/g, "");
  const key = createPrivateKey(privateKey.export({ format: "pem", type: "pkcs8" }));
  const verifier = new JwtVerifier({ keys: { getKey: async (wanted) => (wanted === kid ? publicKey : undefined) }, issuer: ISSUER, audience: AUDIENCE });
  const now = () => Math.floor(Date.now() / 1000);
  return {
    verifier,
    async user(role = "user") {
      const userId = randomUUID();
      const sessionId = randomUUID();
      const token = signJwt(key, kid, { sub: userId, sid: sessionId, jti: randomUUID(), iss: ISSUER, aud: AUDIENCE, typ: "access", role, iat: now(), exp: now() + 900 });
      return { token, userId, sessionId };
    },
    async serviceToken(scope) {
      return signJwt(key, kid, { sub: "proxy", jti: randomUUID(), iss: ISSUER, aud: AUDIENCE, typ: "service", scope, iat: now(), exp: now() + 300 });
    },
    async close() {},
  };
}
