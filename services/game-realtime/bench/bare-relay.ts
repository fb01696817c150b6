/**
 * The baseline for bench/game.ts: a bare `ws` server that pairs two sockets per game and forwards
 * every frame to the other one. No auth, no rules, no database, no Redis.
 */
import { WebSocketServer, type WebSocket } from "ws";

const port = Number(process.env.PORT ?? 0);
const games = new Map<string, WebSocket[]>();
const wss = new WebSocketServer({ port, host: "127.0.0.1", perMessageDeflate: false });

wss.on("connection", (ws) => {
  let peers: WebSocket[] | undefined;
  ws.on("message", (data) => {
    if (!peers) {
      const game = (JSON.parse(data.toString()) as { join: string }).join;
      peers = games.get(game) ?? [];
      games.set(game, peers);
      peers.push(ws);
      return;
    }
    for (const peer of peers) if (peer !== ws) peer.send(data);
  });
});
wss.on("listening", () => process.stdout.write(`listening ${(wss.address() as { port: number }).port}\n`));
