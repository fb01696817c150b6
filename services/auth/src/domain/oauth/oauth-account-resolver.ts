import { randomBytes, randomUUID } from "node:crypto";
import type { OAuthOutcome } from "@tollgate/contracts";
import { auditActions } from "../audit-log.port";
import { AccountDisabledError, AlreadyRegisteredError, IdentityAlreadyLinkedError, OAuthEmailInUseError, OAuthEmailRequiredError, UserNotFoundError } from "../auth-errors";
import { DuplicateIdentityError } from "../identity.repository.port";
import { isReservedUsername } from "../password-policy";
import type { ClientInfo } from "../session-tokens";
import type { Repositories, UnitOfWork } from "../unit-of-work.port";
import { DuplicateUserError, type User } from "../user.repository.port";
import type { ProviderProfile } from "./provider-profile";

/** A username from the provider's hint: allowed characters only, 3–32 long, with a random tail when needed. */
export function usernameFrom(hint: string | null, email: string, withSuffix: boolean): string {
  const base = (hint ?? email.split("@")[0] ?? "").replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 24);
  const suffix = randomBytes(3).toString("hex");
  if (withSuffix || base.length < 3 || isReservedUsername(base)) return `${base || "user"}_${suffix}`;
  return base;
}

/**
 * Which account a provider identity signs in to, in this order:
 * 1. the account the identity is already linked to;
 * 2. the signed-in account that started the flow to link it (`linkUserId`);
 * 3. the account with the same e-mail, only when the provider says the address is verified
 *    (otherwise anyone could claim an address at a provider and take over the account: 409);
 * 4. a new account without a password.
 * Each link and each new account writes an audit row in the same transaction. Whichever it is,
 * an address the provider vouches for that is the account's own address counts as verified
 * (`email_verified`, audited), as a verification link would have made it.
 */
export class OAuthAccountResolver {
  constructor(private readonly deps: { uow: UnitOfWork }) {}

  async resolve(provider: string, profile: ProviderProfile, linkUserId: string | null, client: ClientInfo): Promise<{ user: User; outcome: OAuthOutcome }> {
    // A username taken between the check and the insert only costs another attempt with a suffix.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.deps.uow(async (repos) => {
          const resolved = await this.resolveIn(repos, provider, profile, linkUserId, client, attempt > 0);
          return { ...resolved, user: await this.trustVouchedAddress(repos, resolved.user, provider, profile, client) };
        });
      } catch (error) {
        if (error instanceof DuplicateUserError && error.field === "username" && attempt < 3) continue;
        if (error instanceof DuplicateUserError) throw new AlreadyRegisteredError(error.field);
        if (error instanceof DuplicateIdentityError) throw new IdentityAlreadyLinkedError();
        throw error;
      }
    }
  }

  /** Marks the account's address verified when the provider vouches for that very address. */
  private async trustVouchedAddress({ users, audit }: Repositories, user: User, provider: string, profile: ProviderProfile, client: ClientInfo): Promise<User> {
    if (user.emailVerifiedAt || !profile.emailVerified || profile.email?.toLowerCase() !== user.email.toLowerCase()) return user;
    const now = new Date();
    if (!(await users.markEmailVerified(user.id, user.email, now))) return user;
    await audit.record({ userId: user.id, action: auditActions.emailVerified, ip: client.ip, userAgent: client.userAgent, details: { email: user.email, provider } });
    return { ...user, emailVerifiedAt: now };
  }

  private async resolveIn(repos: Repositories, provider: string, profile: ProviderProfile, linkUserId: string | null, client: ClientInfo, suffixUsername: boolean): Promise<{ user: User; outcome: OAuthOutcome }> {
    const { users, identities, audit, events } = repos;
    const now = new Date();
    const seen = { email: profile.email, emailVerified: profile.emailVerified };
    const link = async (user: User, via: OAuthOutcome) => {
      await identities.insert({ userId: user.id, provider, subject: profile.subject, ...seen }, now);
      await audit.record({ userId: user.id, action: auditActions.oauthLink, ip: client.ip, userAgent: client.userAgent, details: { provider, via } });
    };
    const usable = (user: User | undefined): User => {
      if (!user) throw new UserNotFoundError();
      if (user.disabledAt) throw new AccountDisabledError();
      return user;
    };

    const identity = await identities.find(provider, profile.subject);
    if (identity && linkUserId !== null && identity.userId !== linkUserId) throw new IdentityAlreadyLinkedError();
    if (identity) {
      await identities.touch(identity.id, seen, now);
      return { user: usable(await users.findById(identity.userId)), outcome: "existing_identity" };
    }
    if (linkUserId !== null) {
      const user = usable(await users.findById(linkUserId));
      await link(user, "linked_to_account");
      return { user, outcome: "linked_to_account" };
    }
    if (!profile.email) throw new OAuthEmailRequiredError();
    const existing = await users.findByEmail(profile.email);
    if (existing) {
      if (!profile.emailVerified) throw new OAuthEmailInUseError();
      const user = usable(existing);
      await link(user, "linked_by_email");
      return { user, outcome: "linked_by_email" };
    }
    const candidate = usernameFrom(profile.name, profile.email, suffixUsername);
    const username = suffixUsername || !(await users.findByLogin(candidate)) ? candidate : usernameFrom(profile.name, profile.email, true);
    const user = await users.insert({ id: randomUUID(), email: profile.email.toLowerCase(), username, passwordHash: null });
    await audit.record({ userId: user.id, action: auditActions.register, ip: client.ip, userAgent: client.userAgent, details: { provider } });
    await events.userRegistered(user);
    await link(user, "created");
    return { user, outcome: "created" };
  }
}
