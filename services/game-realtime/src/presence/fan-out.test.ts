import { randomUUID } from "node:crypto";
import { delivery, encodeEnvelope, fanOutEnvelopeSchema, originPrefix } from "./fan-out";

describe("fan-out envelope", () => {
  it("when a change is encoded, then it starts with the origin prefix and parses back to the same deliveries in order", () => {
    const gameId = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    const deliveries = [
      delivery(a, { type: "game:state", game_id: gameId, version: 3, status: "active", state: { board: [[0, 1]] }, your_turn: true }),
      delivery(b, { type: "game:over", game_id: gameId, result: "draw", reason: "draw" }),
    ];
    const text = encodeEnvelope('instance "one"', gameId, deliveries);
    expect(text.startsWith(originPrefix('instance "one"'))).toBe(true);
    const parsed = fanOutEnvelopeSchema.parse(JSON.parse(text));
    expect(parsed).toEqual({ origin: 'instance "one"', game_id: gameId, deliveries: deliveries.map(({ to, message }) => ({ to, message })) });
  });

  it("when another instance's envelope is checked against this instance's prefix, then it does not match", () => {
    const text = encodeEnvelope("instance-10", randomUUID(), [delivery(randomUUID(), { type: "game:heartbeat_ack" })]);
    expect(text.startsWith(originPrefix("instance-1"))).toBe(false);
  });
});
