/**
 * A request without a body is read as `{}`; a body that is JSON `null` (or `[1,2]`, `1`) is a body,
 * and the route's schema answers it 422. `req.body ?? {}` made `null` an empty object, and the
 * token refund route read no body at all: `{"amount":1}` got a silent full refund (issue #19).
 * For routes whose body is optional: parse the result with the route's (strict) schema.
 */
export const bodyOrEmpty = (body: unknown): unknown => (body === undefined ? {} : body);
