import { randomUUID } from "node:crypto";
import { connectFourRules } from "../domain/connect-four.rules";
import type { GameView } from "../domain/game";
import { stateDeliveries, stateMessage } from "./game-broadcaster";

function view(overrides: Partial<GameView["game"]> = {}): GameView {
  const [p1, p2] = [randomUUID(), randomUUID()];
  const state = connectFourRules.apply(connectFourRules.initialState(), 1, { column: 3 });
  const game = {
    id: randomUUID(),
    kind: "connect_four",
    status: "active" as const,
    player1Id: p1,
    player2Id: p2,
    invitedUserId: null,
    version: 1,
    result: null,
    endReason: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  };
  return { game, state, toMove: p2 };
}

describe("stateDeliveries", () => {
  it("when a state goes to both players, then each text is exactly JSON.stringify of that player's message", () => {
    for (const v of [view(), view({ status: "finished", result: "draw", endReason: "draw", version: 42 })]) {
      const players = [v.game.player1Id, v.game.player2Id as string];
      const deliveries = stateDeliveries(v, players);
      expect(deliveries.map((d) => d.to)).toEqual(players);
      for (const d of deliveries) {
        expect(d.json).toBe(JSON.stringify(stateMessage(v, d.to)));
        expect(JSON.parse(d.json)).toEqual(d.message);
      }
      expect(deliveries.map((d) => (JSON.parse(d.json) as { your_turn: boolean }).your_turn)).toEqual([false, true]);
    }
  });
});
