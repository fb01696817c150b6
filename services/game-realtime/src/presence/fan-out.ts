import { serverMessageSchema, type ServerMessage } from "@tollgate/contracts";
import { z } from "zod";

/**
 * One message for one user's sockets in a game, with its JSON text: serialised once, the same
 * text goes to every socket of the user and into the fan-out envelope.
 */
export interface Delivery {
  to: string;
  message: ServerMessage;
  json: string;
}

export const delivery = (to: string, message: ServerMessage): Delivery => ({ to, message, json: JSON.stringify(message) });

/**
 * What one instance publishes on a game's channel for the other instances holding that game's
 * sockets: every message of one change, in order. `origin` comes first in the JSON so an instance
 * can skip its own envelopes without parsing them (it delivered to its own sockets directly).
 */
export const fanOutEnvelopeSchema = z.object({
  origin: z.string().min(1),
  game_id: z.uuid(),
  deliveries: z
    .array(
      z.object({
        /** The user whose sockets get the message. */
        to: z.uuid(),
        message: serverMessageSchema,
      }),
    )
    .min(1),
});
export type FanOutEnvelope = z.infer<typeof fanOutEnvelopeSchema>;

/**
 * The serialised envelope, built around the deliveries' JSON texts so no message is serialised
 * twice; it parses as a FanOutEnvelope and starts with `originPrefix(origin)`.
 */
export function encodeEnvelope(origin: string, gameId: string, deliveries: readonly Delivery[]): string {
  const items = deliveries.map((item) => `{"to":${JSON.stringify(item.to)},"message":${item.json}}`);
  return `${originPrefix(origin)}"game_id":${JSON.stringify(gameId)},"deliveries":[${items.join(",")}]}`;
}

export const originPrefix = (origin: string): string => `{"origin":${JSON.stringify(origin)},`;
