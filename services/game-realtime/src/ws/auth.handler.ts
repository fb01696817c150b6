import { WS_SERVICE_UNAVAILABLE } from "@tollgate/contracts";
import { unavailableDependency, type Logger } from "@tollgate/service-kit";
import type { AuthSuccess, Authenticator } from "../auth/authenticator";
import type { ConnectionManager } from "../presence/connection-manager";
import { CLOSE_INTERNAL_ERROR, CLOSE_POLICY_VIOLATION, type GameConnection } from "./game-connection";

/**
 * Authenticates a socket (token from the upgrade's Authorization header or from a first `auth`
 * message) and enforces the per-user connection cap. A refused token gets `auth_error` and close
 * 4401; one that could not be checked (Redis or another dependency down) gets `auth_error`
 * `service_unavailable` and close 1013 at once. Before, the failure was only logged and the socket
 * waited for its 5 s auth timeout, then heard `auth_timeout`, as if it had sent nothing (issue #17).
 */
export class AuthHandler {
  private readonly log: Logger;

  constructor(
    private readonly deps: { authenticator: Authenticator; connections: ConnectionManager; maxConnectionsPerUser: number; logger: Logger },
  ) {
    this.log = deps.logger.child({ component: "ws-auth" });
  }

  /**
   * First authentication of a socket, or a renewal: an authenticated socket may send a fresh
   * token of the same user before its current one expires; at expiry it is closed with
   * `token_expired`, as a socket must not outlive the token that opened it.
   */
  async authenticate(connection: GameConnection, token: string): Promise<boolean> {
    const renewal = connection.authenticated;
    try {
      return await this.check(connection, token);
    } catch (error) {
      this.failed(connection, error, renewal);
      return false;
    }
  }

  /**
   * The check itself failed. A first authentication ends the socket, saying whether to retry; a
   * renewal leaves it open on its current token (its expiry still closes it) and says why.
   */
  private failed(connection: GameConnection, error: unknown, renewal: boolean): void {
    const unavailable = unavailableDependency(error);
    if (unavailable) {
      this.log.warn("websocket authentication could not be checked: a dependency is unavailable", { connection_id: connection.id, dependency: unavailable.dependency, cause: error instanceof Error ? error.message : String(error) });
      if (renewal) connection.send({ type: "error", code: WS_SERVICE_UNAVAILABLE, message: unavailable.detail, ref: "auth", retry_after: unavailable.retryAfterSeconds });
      else connection.closeUnavailable(unavailable.detail, unavailable.retryAfterSeconds);
      return;
    }
    this.log.error("websocket authentication failed", { connection_id: connection.id, error });
    connection.send({ type: "error", code: "INTERNAL_ERROR", message: "the server could not check the token", ref: "auth" });
    if (!renewal) connection.close(CLOSE_INTERNAL_ERROR, "internal error");
  }

  private async check(connection: GameConnection, token: string): Promise<boolean> {
    const result = await this.deps.authenticator.authenticate(token);
    if (connection.closed) return false;
    if (!result.ok) {
      this.log.info("websocket authentication refused", { connection_id: connection.id, code: result.code });
      connection.closeWithAuthError(result.code, result.message);
      return false;
    }
    const { userId, sessionId, expiresAt } = result.principal;
    if (connection.authenticated) {
      if (connection.userId !== userId) {
        connection.closeWithAuthError("BEARER_TOKEN_INVALID", "a socket cannot change user");
        return false;
      }
      connection.sessionId = sessionId;
      if (this.revokedWhileChecking(connection, result)) return false;
      connection.expireAt(expiresAt);
      connection.send({ type: "auth_ok", user_id: userId });
      return true;
    }
    if (!(await this.deps.connections.admit(connection, userId, this.deps.maxConnectionsPerUser))) {
      connection.send({ type: "error", code: "TOO_MANY_CONNECTIONS", message: `at most ${this.deps.maxConnectionsPerUser} connections per user` });
      connection.close(CLOSE_POLICY_VIOLATION, "too many connections");
      return false;
    }
    if (connection.closed) {
      // Closed while being admitted: give the slot back (the close handler ran before userId was set).
      await this.deps.connections.release(connection, userId);
      return false;
    }
    // Registered: from here on a revocation handled by this instance finds the socket by its
    // session and user (ConnectionManager.closeSessions). One handled since the check began, while
    // it was not yet findable, is in the log. Nothing is awaited between the two.
    connection.userId = userId;
    connection.sessionId = sessionId;
    if (this.revokedWhileChecking(connection, result)) return false;
    connection.expireAt(expiresAt);
    connection.send({ type: "auth_ok", user_id: userId });
    return true;
  }

  /**
   * Closes the socket when its session or user was revoked while the token was being checked and
   * the socket admitted (the close releases its place under the cap). Before, a `session.revoked`
   * handled in that gap closed the sockets it could find, not this one, which then got `auth_ok`
   * and stayed open on a revoked session: 30 and 51 of 8,000 authentications crossing 200
   * revocations in two runs of test/revocation-race.test.ts (34 of the 200 left one open).
   */
  private revokedWhileChecking(connection: GameConnection, result: AuthSuccess): boolean {
    const late = this.deps.authenticator.revokedSince(result);
    if (!late) return false;
    this.log.info("websocket authentication refused: revoked while being checked", { connection_id: connection.id, code: late.code });
    connection.closeWithAuthError(late.code, late.message);
    return true;
  }
}
