import type { ClientMessage, ServerMessage } from "../ws/game-messages";

/** What each `/ws/game` message means, for the AsyncAPI document. Every type has a line (the compiler checks). */
export const clientMessageSummaries: { [T in ClientMessage["type"]]: string } = {
  auth: "Authenticates the socket with an access token, when the upgrade carried no Authorization header (within 5 s of opening); also renews the token of an authenticated socket before it expires (same user only).",
  "game:join": "Subscribes the socket to a game it plays in; answered with game:state (and game:opponent_disconnected while the opponent's grace period runs).",
  "game:action": "A move, from a socket that has joined the game (error NOT_JOINED otherwise, and nothing is done). `seq` must equal the game's current version (a repeated seq only re-sends the state); `action` is the game's own move, for connect_four a ConnectFourAction `{ column: 0..6 }`.",
  "game:resign": "Gives the game up; both players get game:state and game:over. Only from a socket that has joined the game (error NOT_JOINED otherwise, and nothing is done).",
  "game:heartbeat": "Keeps the player's presence alive; answered with game:heartbeat_ack.",
  "game:find": "Queues the player for matchmaking; answered with game:queued, then game:matched (or game:no_opponent after the matchmaking timeout). Refused with error ALREADY_QUEUED or ALREADY_IN_GAME.",
  "game:find_cancel": "Leaves the matchmaking queue; answered with game:find_cancelled (also when the player was not queued), or error ALREADY_MATCHED when a pairing took the player first: then that pairing's game:matched reaches the socket exactly once, before or after the error.",
};

export const serverMessageSummaries: { [T in ServerMessage["type"]]: string } = {
  auth_ok: "The token was accepted: the socket acts for this user until the token expires (then auth_error BEARER_TOKEN_EXPIRED and close 4401).",
  auth_error: "The token was refused, expired, or its session or user was revoked, or no token came within 5 s; the socket is then closed with code 4401 and the code as reason (BEARER_TOKEN_INVALID, BEARER_TOKEN_EXPIRED, SESSION_REVOKED, USER_DISABLED, AUTH_TIMEOUT). `SERVICE_UNAVAILABLE` is the exception: the token could not be checked because a dependency of the service is down; the socket is closed with 1013 (try again later) and the client connects again after `retry_after` seconds with the same token.",
  "game:state": "The game after a change, sent to both players; `your_turn` differs per player and `state` is the game's own (for connect_four: board, next, moves, winner, winning_line).",
  "game:event": "A game-specific notice with optional data. Reserved: no game sends one today.",
  "game:opponent_disconnected": "The opponent's last socket closed (or they have not joined a game that just started); they forfeit unless they (re)join before `grace_until` (the game is aborted instead while not both players have moved).",
  "game:opponent_reconnected": "The opponent is back within the grace period.",
  "game:over": "The game ended: result and reason (win, draw, resignation, forfeit; or aborted with result null, unrated, when a player did not join or left before both had moved), and each player's `rating_change` (Glicko-2, rounded) when the game was rated. A game ended by a grace period also sends it to the players' sockets that never joined it.",
  "game:heartbeat_ack": "Answers game:heartbeat.",
  "game:queued": "The player waits in the matchmaking queue at this (rounded) rating since `queued_at`.",
  "game:matched": "Matchmaking paired the player: a new game with both seats taken, committed before this is sent; send game:join with `game_id`. Sent to both players, whichever instance each is on.",
  "game:find_cancelled": "Answers game:find_cancel: the player is no longer queued (sent to every socket of theirs). Never followed by game:matched: when a pairing took the player first, game:find_cancel is answered with error ALREADY_MATCHED instead (and game:matched comes once, before or after it).",
  "game:no_opponent": "Nobody was paired with the player within the matchmaking timeout (60 s by default); the player has left the queue.",
  error: "A message was refused; the socket stays open. `code` (one of the `errorCodes` catalogue, UPPER_SNAKE_CASE as over HTTP): MALFORMED_JSON, INVALID_MESSAGE, NOT_AUTHENTICATED, RATE_LIMITED, TOO_MANY_CONNECTIONS (then close 1008), NOT_JOINED (game:action or game:resign from a socket that has not joined the game), SERVICE_UNAVAILABLE (a dependency is down: send the message again after `retry_after` seconds), INTERNAL_ERROR, or a game's refusal (GAME_NOT_FOUND, NOT_INVITED, GAME_NOT_JOINABLE, OWN_GAME, USER_NOT_FOUND, GAME_NOT_ACTIVE, NOT_YOUR_TURN, STALE_SEQ, INVALID_ACTION, GAME_BUSY, ALREADY_QUEUED, ALREADY_IN_GAME, ALREADY_MATCHED, or a rule's own: COLUMN_FULL, GAME_OVER). `ref` names the message type refused.",
};

export const gameSocketDescription = [
  "The game protocol: JSON text frames, one message each, over `GET /ws/game` (through the gateway).",
  "",
  "- **Authentication**: `Authorization: Bearer <access token>` on the upgrade, or a first `auth` message within 5 s (AUTH_TIMEOUT_MS). A refused, expired or revoked token gets `auth_error` and close code **4401**; a logout or disabled account closes the socket the same way. While a dependency is down the token cannot be checked: `auth_error` `SERVICE_UNAVAILABLE` with `retry_after` (seconds) and close code **1013** (try again later), at once rather than at the auth timeout.",
  "- **Origin**: a browser's `Origin` must be on the service's allow-list (403 on the upgrade otherwise).",
  "- **Limits** (defaults; each is a setting of the service): 16 KiB per message, 20 messages a second with bursts of 40 (beyond that they are dropped, with one `error RATE_LIMITED` a second), 5 sockets per user (close **1008**).",
  "- **Liveness**: the server pings every 30 s and drops a socket that does not pong; `game:heartbeat` refreshes presence.",
  "- **Shutdown**: close code **1001** (going away); reconnect and `game:join` again.",
  "- **Disconnects**: when a player's last socket closes, the opponent gets `game:opponent_disconnected` and the player forfeits unless they rejoin within the grace period (60 s by default).",
  "- **Matchmaking**: `game:find` after `auth_ok` queues the player (one queue shared by every instance, in Redis); pairing prefers the closest rating and accepts a gap of 100 + 50 per 5 s waited. Both players get `game:matched` and then `game:join` the game as usual. A socket that closes leaves the queue.",
].join("\n");
