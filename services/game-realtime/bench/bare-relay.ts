/**
 * The baseline for bench/game.ts: a bare `ws` server that pairs two sockets per game and passes
 * every frame on unparsed. No auth, no rules, no database, no Redis. A socket joins with
 * `{"join": <pair>, "to": "opponent" | "both"}`: "opponent" forwards each frame to the other
 * socket only; "both" sends it to both sockets of the pair, as the service sends `game:state` to
 * both players.
 */
import { WebSocketServer, type WebSocket } from "ws";

const port = Number(process.env.PORT ?? 0);
const pairs = new Map<string, WebSocket[]>();
const wss = new WebSocketServer({ port, host: "127.0.0.1", perMessageDeflate: false });

wss.on("connection", (ws) => {
  let peers: WebSocket[] | undefined;
  let toBoth = false;
  ws.on("message", (data) => {
    if (!peers) {
      const join = JSON.parse(data.toString()) as { join: string; to: "opponent" | "both" };
      peers = pairs.get(join.join) ?? [];
      pairs.set(join.join, peers);
      peers.push(ws);
      toBoth = join.to === "both";
      return;
    }
    for (const peer of peers) if (toBoth || peer !== ws) peer.send(data);
  });
  ws.on("close", () => peers?.splice(peers.indexOf(ws), 1));
});
wss.on("listening", () => process.stdout.write(`listening ${(wss.address() as { port: number }).port}\n`));
