import type { Server } from "node:http";
import { WebSocketServer } from "ws";

/** `/ws/echo`: sends back every message it receives. */
export function attachEchoSocket(server: Server): WebSocketServer {
  const wss = new WebSocketServer({ server, path: "/ws/echo", maxPayload: 1024 * 1024 });
  wss.on("connection", (socket, req) => {
    socket.send(JSON.stringify({ type: "hello", user_id: req.headers["x-user-id"] ?? null }));
    socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  return wss;
}
