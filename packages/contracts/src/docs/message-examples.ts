import type { z } from "zod";
import type { eventDataSchemas } from "../events";
import type { EventType } from "../events/topics";
import type { ClientMessage, ServerMessage } from "../ws/game-messages";
import { exampleIds, exampleTimes } from "./api-examples";

/** One payload per event type, typed by its schema here and parsed by it in the tests. */
export const eventDataExamples: { [K in EventType]: z.input<(typeof eventDataSchemas)[K]> } = {
  "tollgate.token.activated.v1": { token_id: exampleIds.token, user_id: exampleIds.user, duration_hours: 24, activated_at: exampleTimes.activated, expires_at: exampleTimes.expires },
  "tollgate.token.revoked.v1": {
    token_id: exampleIds.token,
    user_id: exampleIds.user,
    token_sha256: "5d41402abc4b2a76b9719d911017c592ae2b2b5f1a8f7e6d5c4b3a2918076f5e",
    reason: "user_request",
    revoked_at: exampleTimes.now,
  },
  "tollgate.token.purchase.completed.v1": {
    purchase_id: exampleIds.purchase,
    token_id: exampleIds.token,
    user_id: exampleIds.user,
    duration_hours: 24,
    amount: 2500,
    currency: "usd",
    price_id: exampleIds.price,
    completed_at: exampleTimes.created,
  },
  "tollgate.auth.session.revoked.v1": { session_id: exampleIds.session, user_id: exampleIds.user, reason: "logout", revoked_at: exampleTimes.now },
  "tollgate.auth.user.disabled.v1": { user_id: exampleIds.user, disabled_at: exampleTimes.now, reason: "chargeback" },
  "tollgate.auth.user.enabled.v1": { user_id: exampleIds.user, enabled_at: exampleTimes.now, reason: "chargeback withdrawn" },
  "tollgate.auth.user.registered.v1": { user_id: exampleIds.user, username: "ada", registered_at: exampleTimes.now },
  "tollgate.audit.recorded.v1": {
    actor_id: exampleIds.opponent,
    user_id: exampleIds.user,
    action: "token_revoked",
    details: { token_id: exampleIds.token, reason: "lost laptop" },
    ip: "203.0.113.7",
    user_agent: "tollgate-cli/0.1.0",
    occurred_at: exampleTimes.now,
  },
  "tollgate.billing.wallet.credited.v1": {
    user_id: exampleIds.user,
    transaction_id: exampleIds.event,
    kind: "top_up",
    amount: 2500,
    currency: "usd",
    balance_after: 4000,
    reference: { type: "top_up", id: exampleIds.auditEntry },
    occurred_at: exampleTimes.now,
  },
  "tollgate.billing.wallet.debited.v1": {
    user_id: exampleIds.user,
    transaction_id: exampleIds.event,
    kind: "purchase",
    amount: 2500,
    currency: "usd",
    balance_after: 1500,
    reference: { type: "purchase", id: exampleIds.session },
    occurred_at: exampleTimes.now,
  },
  "tollgate.billing.purchase.refunded.v1": {
    purchase_id: exampleIds.session,
    refund_id: exampleIds.auditEntry,
    user_id: exampleIds.user,
    amount: 2500,
    currency: "usd",
    reason: "unused_token_returned",
    description: null,
    remaining: 0,
    refunded_by: null,
    refunded_at: exampleTimes.now,
  },
};

const emptyBoard = Array.from({ length: 6 }, () => [0, 0, 0, 0, 0, 0, 0]);

/** One message per `/ws/game` message type, each parsed by its union in the tests. */
export const clientMessageExamples: { [T in ClientMessage["type"]]: Extract<ClientMessage, { type: T }> } = {
  auth: { type: "auth", token: "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0.eyJzdWIiOiI1ZjFjN2UwYSJ9.c2lnbmF0dXJl" },
  "game:join": { type: "game:join", game_id: exampleIds.game },
  "game:action": { type: "game:action", game_id: exampleIds.game, seq: 3, action: { column: 3 } },
  "game:resign": { type: "game:resign", game_id: exampleIds.game },
  "game:heartbeat": { type: "game:heartbeat" },
  "game:find": { type: "game:find" },
  "game:find_cancel": { type: "game:find_cancel" },
};

export const serverMessageExamples: { [T in ServerMessage["type"]]: Extract<ServerMessage, { type: T }> } = {
  auth_ok: { type: "auth_ok", user_id: exampleIds.user },
  auth_error: { type: "auth_error", code: "BEARER_TOKEN_EXPIRED", message: "the access token has expired" },
  "game:state": {
    type: "game:state",
    game_id: exampleIds.game,
    version: 0,
    status: "active",
    state: { board: emptyBoard, next: 1, moves: 0, winner: null, winning_line: null },
    your_turn: true,
  },
  "game:event": { type: "game:event", game_id: exampleIds.game, event: "draw_offered", data: { by: exampleIds.opponent } },
  "game:opponent_disconnected": { type: "game:opponent_disconnected", game_id: exampleIds.game, grace_until: "2026-11-22T10:06:00.000Z" },
  "game:opponent_reconnected": { type: "game:opponent_reconnected", game_id: exampleIds.game },
  "game:over": { type: "game:over", game_id: exampleIds.game, result: "player1_won", reason: "win", rating_change: { player1: 12, player2: -12 } },
  "game:queued": { type: "game:queued", rating: 1532, queued_at: "2026-11-22T10:05:00.000Z" },
  "game:matched": { type: "game:matched", game_id: exampleIds.game, opponent: { user_id: exampleIds.opponent, username: "grace", rating: 1498 }, you_are: "player2" },
  "game:find_cancelled": { type: "game:find_cancelled" },
  "game:no_opponent": { type: "game:no_opponent", waited_seconds: 60 },
  "game:heartbeat_ack": { type: "game:heartbeat_ack" },
  error: { type: "error", code: "NOT_YOUR_TURN", message: "it is not your turn", ref: "game:action" },
};
