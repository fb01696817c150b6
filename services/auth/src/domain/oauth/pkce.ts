import { createHash, randomBytes } from "node:crypto";

/** 256 random bits, base64url: for `state`, the PKCE verifier and the OpenID nonce. */
export const randomToken = (): string => randomBytes(32).toString("base64url");

/** RFC 7636 S256: base64url(sha256(verifier)). */
export const codeChallengeS256 = (verifier: string): string => createHash("sha256").update(verifier).digest("base64url");
