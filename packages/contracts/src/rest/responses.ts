import { z } from "zod";
import { auditLogEntrySchema } from "./auth";
import { tokenItemSchema } from "./tokens";

/** Response bodies that wrap or list the shapes of the other rest files. */

/** `GET /api/v1/admin/audit-logs`: newest first; `next_cursor` is null on the last page. */
export const auditLogPageSchema = z.object({ entries: z.array(auditLogEntrySchema), next_cursor: z.string().nullable() });
export type AuditLogPage = z.infer<typeof auditLogPageSchema>;

/** `GET /api/v1/tokens/my-tokens`: newest first. */
export const tokenListSchema = z.array(tokenItemSchema);
export type TokenList = z.infer<typeof tokenListSchema>;

const publicJwkMembers = { kid: z.string(), use: z.literal("sig") };

/**
 * The proxy's `/.well-known/jwks.json`: the public halves of the keys that sign the
 * `X-Tollgate-Jwt-Assertion` header an upstream receives (EC P-256 for ES256, RSA for RS256).
 */
export const identityAssertionJwksSchema = z.object({
  keys: z.array(
    z.discriminatedUnion("kty", [
      z.object({ kty: z.literal("EC"), crv: z.literal("P-256"), x: z.string(), y: z.string(), alg: z.literal("ES256"), ...publicJwkMembers }),
      z.object({ kty: z.literal("RSA"), n: z.string(), e: z.string(), alg: z.literal("RS256"), ...publicJwkMembers }),
    ]),
  ),
});
export type IdentityAssertionJwks = z.infer<typeof identityAssertionJwksSchema>;
