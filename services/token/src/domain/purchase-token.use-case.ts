import type { DurationHours, PurchaseTokenResponse } from "@tollgate/contracts";
import type { AccessTokenRepository } from "../data/access-token.repository";
import { generateTokenValue, hashToken } from "./access-token";
import { untrackedTokenActivity, type TokenActivity } from "./token-activity.port";
import { TokenLimitReachedError } from "./token-errors";

export class PurchaseTokenUseCase {
  constructor(
    private readonly tokens: AccessTokenRepository,
    private readonly maxLiveTokensPerUser: number,
    private readonly activity: TokenActivity = untrackedTokenActivity,
  ) {}

  /** The plaintext is returned here, once; only its hash is stored. */
  async execute(userId: string, durationHours: DurationHours): Promise<PurchaseTokenResponse> {
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
