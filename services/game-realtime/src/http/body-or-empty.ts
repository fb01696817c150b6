/**
 * A request without a body is read as `{}` (the endpoints take optional fields); a body that is
 * JSON `null` is a body, and the route's schema answers it 422. `req.body ?? {}` made `null` an
 * empty object: POST /games/matchmaking with `null` queued the player (202).
 */
export const bodyOrEmpty = (body: unknown): unknown => (body === undefined ? {} : body);
