import { z } from "zod";
import { pageCursorSchema } from "./page-cursor";
import { tokenItemSchema, tokenStatusSchema } from "./tokens";

/** The token service's part of the administration API (`/api/v1/admin/tokens*`, role `admin`). */

/** `GET /api/v1/admin/tokens`: newest first, every filter optional. */
export const adminTokenListQuerySchema = z.strictObject({
  /** Only this user's tokens. */
  user_id: z.uuid().toLowerCase().optional(),
  /** Only tokens in this status now. */
  status: tokenStatusSchema.optional(),
  /** Tokens per page. */
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `next_cursor` of the previous page, unchanged; absent for the first page. */
  cursor: pageCursorSchema.optional(),
});
export type AdminTokenListQuery = z.infer<typeof adminTokenListQuerySchema>;

/** A token as an administrator sees it: whose it is and why it was revoked (never its plaintext or hash). */
export const adminTokenItemSchema = tokenItemSchema.extend({
  user_id: z.uuid().toLowerCase(),
  revoke_reason: z.string().nullable(),
});
export type AdminTokenItem = z.infer<typeof adminTokenItemSchema>;

export const adminTokenPageSchema = z.object({
  tokens: z.array(adminTokenItemSchema),
  /** Pass as `cursor` for the next page; null on the last one. */
  next_cursor: z.string().nullable(),
});
export type AdminTokenPage = z.infer<typeof adminTokenPageSchema>;
