/**
 * A request without a body is read as `{}`; a body that is JSON `null` (or `[1,2]`, `1`) is a body,
 * and the route's schema answers it 422. `req.body ?? {}` made `null` an empty object, and the
 * refund route read no body at all: `{"amount":1}` got a silent full refund (issue #19).
 */
export const bodyOrEmpty = (body: unknown): unknown => (body === undefined ? {} : body);
