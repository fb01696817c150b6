import type { IdentitiesResponse } from "@tollgate/contracts";
import type { Identity } from "../identity.repository.port";
import type { Repositories } from "../unit-of-work.port";
import { UserNotFoundError } from "../auth-errors";

export const toIdentityResponse = (identity: Identity) => ({
  provider: identity.provider,
  subject: identity.subject,
  email: identity.email,
  email_verified: identity.emailVerified,
  created_at: identity.createdAt.toISOString(),
  last_login_at: identity.lastLoginAt?.toISOString() ?? null,
});

export class ListIdentitiesUseCase {
  constructor(private readonly deps: { repos: Repositories }) {}

  async execute(userId: string): Promise<IdentitiesResponse> {
    const user = await this.deps.repos.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    const identities = await this.deps.repos.identities.listForUser(userId);
    return { identities: identities.map(toIdentityResponse), has_password: user.passwordHash !== null };
  }
}
