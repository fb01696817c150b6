import { generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { AuthenticationError, BEARER_TOKEN_EXPIRED, BEARER_TOKEN_INVALID, JwksKeyStore, JwtVerifier } from "@tollgate/service-kit";
import { BearerTokenRejectedError } from "./access-token-verifier";
import { KitAccessTokenVerifier } from "./kit-access-token-verifier";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = publicKey.export({ format: "jwk" }) as { n: string; e: string };

function signed(claims: Record<string, unknown>): string {
  const input = `${b64({ alg: "RS256", typ: "JWT", kid: "k1" })}.${b64(claims)}`;
  return `${input}.${sign("RSA-SHA256", Buffer.from(input), privateKey).toString("base64url")}`;
}

const rejection = (promise: Promise<unknown>) => promise.then(() => "accepted", (error: unknown) => (error instanceof BearerTokenRejectedError ? error.code : String(error)));

describe("KitAccessTokenVerifier", () => {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: "issuer", aud: "tollgate", jti: randomUUID(), sub: randomUUID(), sid: randomUUID(), typ: "access", role: "user" };
  const real = new KitAccessTokenVerifier(new JwtVerifier({ keys: new JwksKeyStore({ fetchJwks: async () => ({ keys: [{ kty: "RSA", kid: "k1", use: "sig", alg: "RS256", n: jwk.n, e: jwk.e }] }) }), issuer: "issuer", audience: "tollgate" }));

  it("when a genuine token has expired, then it is refused as expired; a malformed one as invalid; a valid one names its user", async () => {
    expect(await rejection(real.verify(signed({ ...claims, iat: now - 3_600, exp: now - 60 })))).toBe("BEARER_TOKEN_EXPIRED");
    expect(await rejection(real.verify("not.a.jwt"))).toBe("BEARER_TOKEN_INVALID");
    expect(await real.verify(signed({ ...claims, iat: now, exp: now + 300 }))).toMatchObject({ userId: claims.sub, sessionId: claims.sid, role: "user" });
  });

  it("when the shared verifier rewords its refusals, then expiry is still told by the error code alone", async () => {
    const refusing = (error: AuthenticationError) => new KitAccessTokenVerifier({ verifyAccessToken: () => Promise.reject(error) });
    const reworded = new AuthenticationError("your session token ran out", BEARER_TOKEN_EXPIRED, { cause: "lifetime exceeded" });
    expect(await rejection(refusing(reworded).verify("x"))).toBe("BEARER_TOKEN_EXPIRED");
    const lookalike = new AuthenticationError("bearer token has expired", BEARER_TOKEN_INVALID, { cause: "token expired" });
    expect(await rejection(refusing(lookalike).verify("x"))).toBe("BEARER_TOKEN_INVALID");
  });
});
