import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import httpProxy from "http-proxy";
import { refuseUpgrade, unreachablePage, writePage } from "./connector-pages";
import { mapResponseHeaders } from "./local-response-headers";
import { loopbackLookup } from "./loopback-lookup";
import { remoteRequestHeaders } from "./remote-request-headers";
import { remotePath, type RemoteRoute } from "./remote-route";
import { websocketCloseReader } from "./websocket-close-reader";

export interface ForwarderEvents {
  /** The remote side answered 401: to a request, or to a WebSocket upgrade. */
  unauthorized(): void;
  /** A tunnel's remote side sent its close frame (RFC 6455 §5.5.1), with this status code. */
  tunnelClosed(code: number | undefined): void;
  /** The remote side could not be reached. */
  failed(error: Error): void;
}

/** RFC 6455 §5.5.1 close frame from the server side (unmasked), with a status code and a reason. */
function closeFrame(code: number, reason: string): Buffer {
  const text = Buffer.from(reason.slice(0, 120), "utf8");
  const frame = Buffer.alloc(4 + text.length);
  frame[0] = 0x88;
  frame[1] = 2 + text.length;
  frame.writeUInt16BE(code, 2);
  text.copy(frame, 4);
  return frame;
}

/**
 * Forwards HTTP requests and WebSocket upgrades to the remote side with http-proxy (bodies streamed
 * untouched, hop-by-hop headers handled by it), over one keep-alive agent whose `lookup` resolves
 * `*.localhost` itself. Knows the tunnels it carries, so it can close them when access ends.
 */
export class ConnectorForwarder {
  private readonly proxy: httpProxy;
  private readonly agent: http.Agent;
  /** Each forwarded request's local origin, for mapping its response back. */
  private readonly origins = new WeakMap<IncomingMessage, string>();
  private readonly browserSockets = new Set<Duplex>();
  private readonly remoteSockets = new Set<Duplex>();

  constructor(
    private readonly route: RemoteRoute,
    private readonly token: string,
    private readonly events: ForwarderEvents,
    /** Extra CAs (PEM) for an https remote; certificates are verified either way. */
    ca?: string | Buffer,
  ) {
    const agentOptions = { keepAlive: true, lookup: loopbackLookup };
    this.agent = route.origin.startsWith("https:") ? new https.Agent({ ...agentOptions, ca }) : new http.Agent(agentOptions);
    // Host is set by remoteRequestHeaders; no X-Forwarded-*: the gateway describes its own clients.
    this.proxy = httpProxy.createProxyServer({ target: route.origin, agent: this.agent, ws: true, changeOrigin: false, xfwd: false, secure: true });
    // Every call passes its own error callback; this only keeps a stray one from ending the process.
    this.proxy.on("error", (error) => events.failed(error));
    this.proxy.on("proxyReq", (proxyReq, req) => {
      // http-proxy joins paths with its own helper, which folds "//" into "/"; the path is set
      // here instead, exactly (ClientRequest sends `path` when its head is written).
      proxyReq.path = remotePath(route, req.url ?? "/");
    });
    this.proxy.on("proxyRes", (proxyRes, req) => {
      if (proxyRes.statusCode === 401) events.unauthorized();
      const localOrigin = this.origins.get(req);
      if (localOrigin) mapResponseHeaders(proxyRes.headers, { localOrigin, route });
    });
    this.proxy.on("proxyReqWs", (proxyReq, req, socket) => {
      proxyReq.path = remotePath(route, req.url ?? "/");
      proxyReq.once("response", (res: IncomingMessage) => {
        if (res.statusCode === 401) events.unauthorized();
      });
      // Registered before http-proxy's own listener, so the 101's headers are mapped before it writes them.
      proxyReq.once("upgrade", (proxyRes: IncomingMessage, remoteSocket: Duplex) => {
        const localOrigin = this.origins.get(req);
        if (localOrigin) mapResponseHeaders(proxyRes.headers, { localOrigin, route });
        this.track(this.browserSockets, socket);
        this.track(this.remoteSockets, remoteSocket);
      });
    });
    // Emitted once the tunnel is piped, before any of its bytes flow.
    this.proxy.on("open", (remoteSocket: Duplex) => {
      remoteSocket.on("data", websocketCloseReader((code) => events.tunnelClosed(code)));
    });
  }

  web(req: IncomingMessage, res: ServerResponse, localOrigin: string): void {
    this.prepare(req, localOrigin);
    this.proxy.web(req, res, {}, (error) => {
      this.events.failed(error);
      if (!res.headersSent) writePage(res, unreachablePage());
      else res.destroy();
    });
  }

  ws(req: IncomingMessage, socket: Duplex, head: Buffer, localOrigin: string): void {
    this.prepare(req, localOrigin);
    this.proxy.ws(req, socket, head, {}, (error) => {
      this.events.failed(error);
      if (!this.browserSockets.has(socket)) refuseUpgrade(socket, unreachablePage());
    });
  }

  /**
   * Closes every tunnel: the remote side is dropped first (so no more of its bytes flow), then the
   * browser gets a close frame with `code`. A frame the remote side had half sent by then is cut,
   * and the browser sees the connection fail instead (1006); it is closed either way.
   */
  closeTunnels(code: number, reason: string): void {
    for (const socket of this.remoteSockets) socket.destroy();
    for (const socket of this.browserSockets) {
      if (socket.writable) socket.end(closeFrame(code, reason));
      else socket.destroy();
    }
  }

  close(): void {
    this.closeTunnels(1001, "connector stopped");
    this.proxy.close();
    this.agent.destroy();
  }

  private prepare(req: IncomingMessage, localOrigin: string): void {
    req.headers = remoteRequestHeaders(req.headers, { token: this.token, localOrigin, route: this.route });
    this.origins.set(req, localOrigin);
  }

  private track(set: Set<Duplex>, socket: Duplex): void {
    set.add(socket);
    socket.once("close", () => set.delete(socket));
  }
}
