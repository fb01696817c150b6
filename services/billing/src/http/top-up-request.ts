import { topUpAmountMessage, topUpRequestSchemaFor, type TopUpBounds, type TopUpRequest } from "@tollgate/contracts";
import { ValidationError } from "@tollgate/service-kit";
import { topUpAmountOutOfRange } from "../domain/top-up";

/** What a top-up route checks an amount against: the deployment's bounds and currency. */
export interface TopUpPolicy extends TopUpBounds {
  currency: string;
}

/**
 * A top-up's body against the deployment's TOP_UP_MIN_AMOUNT..TOP_UP_MAX_AMOUNT: an amount out of
 * range is the one 422 with the bounds as fields (`topUpAmountOutOfRange`); any other mistake is
 * the usual 422 naming the field.
 */
export function parseTopUpRequest(body: unknown, policy: TopUpPolicy): TopUpRequest {
  const result = topUpRequestSchemaFor(policy, policy.currency).safeParse(body);
  if (result.success) return result.data;
  const rangeMessage = topUpAmountMessage(policy, policy.currency);
  if (result.error.issues.every((issue) => issue.message === rangeMessage)) throw topUpAmountOutOfRange(policy, policy.currency);
  throw ValidationError.fromZod(result.error, "request body");
}

/**
 * `TopUpRequest` as this deployment takes it, for its /openapi.json: the contracts' schema states
 * the widest bounds, a reader needs the configured ones.
 */
export const topUpRequestComponent = (policy: TopUpPolicy) => ({
  type: "object",
  additionalProperties: false,
  required: ["amount"],
  properties: {
    amount: {
      type: "integer",
      minimum: policy.minAmount,
      maximum: policy.maxAmount,
      description: `Minor units of ${policy.currency}, from TOP_UP_MIN_AMOUNT (${policy.minAmount}) to TOP_UP_MAX_AMOUNT (${policy.maxAmount}) on this deployment. Out of range: 422 VALIDATION_ERROR whose errors[0] carries minimum, maximum and currency.`,
    },
  },
  examples: [{ amount: policy.minAmount }],
});
