export interface Identity {
  id: string;
  userId: string;
  provider: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
}

export type NewIdentity = Pick<Identity, "userId" | "provider" | "subject" | "email" | "emailVerified">;

/** Which unique constraint a link broke: the provider account is someone's already, or this user has one of that provider. */
export class DuplicateIdentityError extends Error {
  constructor(readonly reason: "subject_taken" | "provider_already_linked") {
    super(`duplicate identity: ${reason}`);
  }
}

/** Sign-in provider identities linked to users; data/identity.repository.ts implements it. */
export interface IdentityRepositoryPort {
  find(provider: string, subject: string): Promise<Identity | undefined>;
  listForUser(userId: string): Promise<Identity[]>;
  /** Relies on the unique indexes, so two racing links of one provider account cannot both succeed. */
  insert(identity: NewIdentity, at: Date): Promise<Identity>;
  /** A sign-in through this identity: the provider's current e-mail and when. */
  touch(id: string, profile: {
    email: string | null;
    emailVerified: boolean;
  }, at: Date): Promise<void>;
  /** Returns false when the user had no identity of that provider. */
  delete(userId: string, provider: string): Promise<boolean>;
}
