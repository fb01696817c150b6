/**
 * The Colyseus peer for bench/game.ts, run as its own process like the service and the relay:
 * one `connect_four` room type (bench/connect-four.room.ts) on the WebSocket transport, with
 * Colyseus's defaults otherwise (local presence and driver: one process, nothing persisted).
 */
import { Server } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { ConnectFourRoom } from "./connect-four.room";

const port = Number(process.env.PORT ?? 0);
const server = new Server({ transport: new WebSocketTransport({ perMessageDeflate: false }), greet: false });
server.define("connect_four", ConnectFourRoom);
void server.listen(port, "127.0.0.1").then(() => process.stdout.write(`listening ${port}\n`));
