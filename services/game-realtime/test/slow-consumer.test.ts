import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { createGameMetrics } from "../src/game-metrics";
import { GameConnection } from "../src/ws/game-connection";

describe("GameConnection send ceiling", () => {
  it("when a peer's unsent bytes pass the ceiling, then the connection is terminated instead of buffering more", async () => {
    const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise((resolve) => wss.once("listening", resolve));
    const serverSide = new Promise<WebSocket>((resolve) => wss.once("connection", resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    const clientClosed = new Promise<number>((resolve) => client.on("close", resolve));
    await new Promise((resolve) => client.once("open", resolve));
    const socket = await serverSide;
    const connection = new GameConnection("c1", socket, { maxBufferedBytes: 4_096, ratePerSecond: 1, rateBurst: 1 }, createGameMetrics({ countActiveGames: async () => 0 }));

    // Corking the TCP socket holds every write in memory, as a peer that stops reading eventually does.
    (socket as unknown as { _socket: { cork(): void } })._socket.cork();
    let sent = 0;
    while (!connection.closed && sent < 1_000) {
      connection.send({ type: "error", code: "filler", message: "x".repeat(200) });
      sent++;
    }
    expect(connection.closed).toBe(true);
    expect(sent).toBeGreaterThan(10);
    expect(sent).toBeLessThan(40);
    expect(await clientClosed).toBe(1006);
    await new Promise((resolve) => wss.close(resolve));
  });
});
