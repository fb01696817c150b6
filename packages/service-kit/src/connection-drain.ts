import net from "node:net";
import type { IncomingMessage, Server, ServerResponse } from "node:http";

interface Connection {
  /** Requests on this socket whose responses have not finished. */
  inFlight: number;
  /** When the socket last became idle (connected, or its last response ended), ms since the epoch. */
  idleSince: number;
}

/**
 * Lets a server's keep-alive connections end without a client ever writing into a socket that is
 * being closed. Node's `server.close()` destroys every idle keep-alive socket at once, and a client
 * that had just sent its next request on one got ECONNRESET (0-3 per run at 200 req/s, #17). During
 * a drain: new connections are refused; every response says `Connection: close`, so the socket
 * closes after it and the client opens no further request on it; a socket with no request in
 * flight is closed only once it has been idle for `idleLingerMs` (a client that is using it
 * sends its next request well before that, and is answered with `Connection: close`).
 */
export class ConnectionDrain {
  private readonly connections = new Map<net.Socket, Connection>();
  private readonly responses = new Set<ServerResponse>();
  private draining = false;

  constructor(private readonly server: Server) {
    server.on("connection", (socket: net.Socket) => {
      this.connections.set(socket, { inFlight: 0, idleSince: Date.now() });
      socket.once("close", () => this.connections.delete(socket));
    });
    // First in line, so the flag is set before any handler can send headers.
    server.prependListener("request", (req: IncomingMessage, res: ServerResponse) => this.track(req.socket, res));
  }

  /** Stops accepting and starts answering with `Connection: close`; `done` runs once every connection has closed. */
  start(done: () => void): void {
    this.draining = true;
    for (const res of this.responses) if (!res.headersSent) res.shouldKeepAlive = false;
    // net.Server's close, not http.Server's: that one also destroys idle keep-alive sockets at once.
    net.Server.prototype.close.call(this.server, () => done());
  }

  /** Closes sockets idle for at least `idleLingerMs`. Upgraded sockets (WebSockets) belong to their owner and are left alone. */
  closeIdle(idleLingerMs: number): void {
    const now = Date.now();
    for (const [socket, connection] of this.connections) {
      if (connection.inFlight > 0 || now - connection.idleSince < idleLingerMs || isUpgraded(socket)) continue;
      socket.destroy();
    }
  }

  /** Open connections that still speak HTTP (upgraded sockets excluded). */
  get open(): number {
    let open = 0;
    for (const socket of this.connections.keys()) if (!isUpgraded(socket)) open++;
    return open;
  }

  private track(socket: net.Socket, res: ServerResponse): void {
    const connection = this.connections.get(socket);
    if (this.draining) res.shouldKeepAlive = false;
    this.responses.add(res);
    if (connection) connection.inFlight++;
    res.once("close", () => {
      this.responses.delete(res);
      if (!connection) return;
      connection.inFlight--;
      connection.idleSince = Date.now();
    });
  }
}

/** node frees a socket's HTTP parser when it hands the socket to an `upgrade` listener. */
const isUpgraded = (socket: net.Socket): boolean => (socket as net.Socket & { parser?: unknown }).parser === null;
