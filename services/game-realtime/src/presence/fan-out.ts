import { serverMessageSchema, type ServerMessage } from "@tollgate/contracts";
import { z } from "zod";

/** What one instance publishes on a game's channel for the instances holding that game's sockets. */
export const fanOutEnvelopeSchema = z.object({
  game_id: z.uuid(),
  /** The user whose sockets get the message. */
  to: z.uuid(),
  message: serverMessageSchema,
});
export type FanOutEnvelope = z.infer<typeof fanOutEnvelopeSchema>;

export const gameChannel = (gameId: string): string => `game:fanout:${gameId}`;
export const presenceKey = (gameId: string): string => `game:presence:${gameId}`;

export type Deliver = (envelope: { gameId: string; to: string; message: ServerMessage }) => void;
