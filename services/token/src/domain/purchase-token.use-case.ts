import type { DurationHours, PurchaseTokenResponse } from "@tollgate/contracts";
import type { AccessTokenRepository } from "../data/access-token.repository";
import { generateTokenValue, hashToken } from "./access-token";
import { untrackedTokenActivity, type TokenActivity } from "./token-activity.port";
import { EmailNotVerifiedError, TokenLimitReachedError } from "./token-errors";

/** Who is buying, as their access JWT says (`sub`, and `email_verified`: absent counts as not verified). */
export interface Buyer {
  userId: string;
  emailVerified: boolean;
}

export class PurchaseTokenUseCase {
  constructor(
    private readonly tokens: AccessTokenRepository,
    private readonly maxLiveTokensPerUser: number,
    private readonly activity: TokenActivity = untrackedTokenActivity,
    /** REQUIRE_VERIFIED_EMAIL: only accounts with a verified address may buy. */
    private readonly requireVerifiedEmail = false,
  ) {}

  /** The plaintext is returned here, once; only its hash is stored. 403 EMAIL_NOT_VERIFIED when verification is required and missing. */
  async execute(buyer: Buyer, durationHours: DurationHours): Promise<PurchaseTokenResponse> {
    if (this.requireVerifiedEmail && !buyer.emailVerified) throw new EmailNotVerifiedError();
    const userId = buyer.userId;
    const value = generateTokenValue();
    const token = await this.tokens.transaction(async (tx) => {
      await this.tokens.lockUser(tx, userId);
      if ((await this.tokens.countLive(tx, userId)) >= this.maxLiveTokensPerUser) throw new TokenLimitReachedError(this.maxLiveTokensPerUser);
      return this.tokens.insert(tx, { userId, tokenSha256: hashToken(value), durationHours });
    });
    this.activity.purchased(token.durationHours);
    return { id: token.id, token: value, duration_hours: token.durationHours, status: "pending", created_at: token.createdAt.toISOString() };
  }
}
