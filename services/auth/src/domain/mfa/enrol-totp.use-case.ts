import { TOTP_ALGORITHM, TOTP_DIGITS, TOTP_PERIOD_SECONDS, type TotpEnrolmentResponse } from "@tollgate/contracts";
import { auditActions } from "../audit-log.port";
import type { Repositories } from "../unit-of-work.port";
import { UserNotFoundError } from "../auth-errors";
import type { ClientInfo } from "../session-tokens";
import type { SigningKeyCipher } from "../signing-key-cipher";
import { MfaAlreadyEnabledError } from "./mfa-errors";
import { newTotpSecret, otpauthUri } from "./totp";

/**
 * Step one of turning TOTP on: a new secret, stored sealed and pending, returned once in base32
 * and as an `otpauth://` URI (for a QR code). Login does not ask for it until a code confirms it;
 * enrolling again before that replaces the secret. Audited `mfa_enrol`.
 */
export class EnrolTotpUseCase {
  constructor(private readonly deps: { repos: Pick<Repositories, "users" | "totpAuthenticators" | "audit">; secrets: SigningKeyCipher; issuer: string }) {}

  /** @throws 404 `USER_NOT_FOUND`, 409 `MFA_ALREADY_ENABLED` (a confirmed authenticator exists). */
  async execute(userId: string, client: ClientInfo): Promise<TotpEnrolmentResponse> {
    const { repos, secrets, issuer } = this.deps;
    const user = await repos.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    const secret = newTotpSecret();
    if (!(await repos.totpAuthenticators.savePending(user.id, secrets.seal(user.id, secret)))) throw new MfaAlreadyEnabledError();
    await repos.audit.record({ userId: user.id, action: auditActions.mfaEnrol, ip: client.ip, userAgent: client.userAgent, details: { method: "totp" } });
    return {
      secret,
      otpauth_uri: otpauthUri(secret, { issuer, accountName: user.username }),
      issuer,
      account_name: user.username,
      algorithm: TOTP_ALGORITHM,
      digits: TOTP_DIGITS,
      period: TOTP_PERIOD_SECONDS,
    };
  }
}
