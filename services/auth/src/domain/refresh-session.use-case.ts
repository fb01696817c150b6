import type { TokenPairResponse } from "@tollgate/contracts";
import type { Logger } from "@tollgate/service-kit";
import { auditActions } from "./audit-log.port";
import type { Repositories, UnitOfWork } from "./unit-of-work.port";
import { InvalidRefreshTokenError, RefreshTokenReusedError } from "./auth-errors";
import { newRefreshToken, sealSuccessor, tokenSha256, unsealSuccessor } from "./refresh-token";
import type { ClientInfo, SessionTokens } from "./session-tokens";

export interface RefreshDeps {
  uow: UnitOfWork;
  repos: Repositories;
  tokens: SessionTokens;
  graceSeconds: number;
  idleTimeoutSeconds: number;
  logger: Logger;
}

type Outcome = { kind: "ok"; userId: string; sessionId: string; refreshToken: string } | { kind: "invalid" } | { kind: "reused" };

/**
 * Rotates a refresh token. The session row is locked, so concurrent refreshes of one session run
 * one after the other:
 * - the current token → a new token (generation + 1); the old one is marked rotated;
 * - the token just rotated, within `graceSeconds` of its rotation, while its successor is still
 *   current → the same successor again (two tabs refreshing at once are not logged out);
 * - any other rotated token → reuse: the whole session is revoked and `session.revoked` emitted.
 */
export class RefreshSessionUseCase {
  private readonly log: Logger;

  constructor(private readonly deps: RefreshDeps) {
    this.log = deps.logger.child({ component: "refresh" });
  }

  async execute(refreshToken: string, client: ClientInfo): Promise<TokenPairResponse> {
    const outcome = await this.deps.uow((repos) => this.rotate(repos, refreshToken, client));
    if (outcome.kind === "invalid") throw new InvalidRefreshTokenError();
    if (outcome.kind === "reused") throw new RefreshTokenReusedError();
    const user = await this.deps.repos.users.findById(outcome.userId);
    if (!user) throw new InvalidRefreshTokenError();
    return this.deps.tokens.pair(user, outcome.sessionId, outcome.refreshToken);
  }

  private async rotate({ sessions, users, audit, events }: Repositories, token: string, client: ClientInfo): Promise<Outcome> {
    const hash = tokenSha256(token);
    const found = await sessions.findRefreshToken(hash);
    if (!found) return { kind: "invalid" };
    const session = await sessions.lock(found.sessionId);
    const record = await sessions.findRefreshToken(hash);
    if (!session || !record || session.revokedAt) return { kind: "invalid" };
    const now = new Date();
    const idleLimit = session.lastUsedAt.getTime() + this.deps.idleTimeoutSeconds * 1000;
    if (session.expiresAt <= now || idleLimit <= now.getTime()) return { kind: "invalid" };
    const user = await users.findById(session.userId);
    if (!user || user.disabledAt) return { kind: "invalid" };

    if (record.rotatedAt === null) {
      const successor = newRefreshToken();
      await sessions.rotate(session.id, { tokenSha256: hash, successorSealed: sealSuccessor(token, successor) }, { tokenSha256: tokenSha256(successor), generation: record.generation + 1 }, now);
      await audit.record({ userId: user.id, action: auditActions.refresh, ip: client.ip, userAgent: client.userAgent, details: { session_id: session.id, generation: record.generation + 1 } });
      return { kind: "ok", userId: user.id, sessionId: session.id, refreshToken: successor };
    }

    const withinGrace = now.getTime() - record.rotatedAt.getTime() <= this.deps.graceSeconds * 1000;
    const successorIsCurrent = record.generation + 1 === session.generation;
    const successor = withinGrace && successorIsCurrent && record.successorSealed ? unsealSuccessor(token, record.successorSealed) : undefined;
    if (successor) {
      await sessions.touch(session.id, now);
      return { kind: "ok", userId: user.id, sessionId: session.id, refreshToken: successor };
    }

    await sessions.revoke({ id: session.id }, "refresh_reuse", now);
    await events.sessionRevoked(user.id, session.id, "refresh_reuse", now);
    await audit.record({ userId: user.id, action: auditActions.refreshReuse, ip: client.ip, userAgent: client.userAgent, details: { session_id: session.id, generation: record.generation } });
    this.log.warn("refresh token reuse; session revoked", { user_id: user.id, session_id: session.id });
    return { kind: "reused" };
  }
}
