import { accountTokenSchema } from "@tollgate/contracts";
import { InvalidArgumentError } from "commander";
import { accountTokenFrom } from "../account-api";

/** A token from a verification or reset mail, given as itself or as the whole link: checked before anything is sent. */
export function parseMailToken(value: string): string {
  const token = accountTokenFrom(value);
  if (!accountTokenSchema.safeParse(token).success) throw new InvalidArgumentError("give the link from the mail, or the 43 characters after #token= in it.");
  return token;
}
