import { errorCodes } from "@tollgate/contracts";
import { TollgateError } from "../errors";
import type { TollgateClient } from "../tollgate-client";
import { isUuid } from "./cli-arguments";

/**
 * A user named on the command line: their id as is, or their e-mail or username (exact,
 * case-insensitive), looked up with the admin search. Rejects with 404 USER_NOT_FOUND.
 */
export async function resolveUser(client: TollgateClient, reference: string): Promise<{ id: string; label: string }> {
  if (isUuid(reference)) return { id: reference, label: reference };
  const wanted = reference.toLowerCase();
  const page = await client.admin.users({ search: reference, limit: 200 });
  const found = page.users.find((user) => user.email.toLowerCase() === wanted || user.username.toLowerCase() === wanted);
  if (!found) throw new TollgateError(404, errorCodes.USER_NOT_FOUND, `no user has the e-mail or username ${reference}`);
  return { id: found.id, label: `${found.username} <${found.email}>` };
}
