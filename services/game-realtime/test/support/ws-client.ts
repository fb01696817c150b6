import type { ServerMessage } from "@tollgate/contracts";
import { WebSocket, type ClientOptions } from "ws";

type Of<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>;

/** A real `ws` client that keeps every message and lets a test wait for the next of a type. */
export class TestSocket {
  readonly received: ServerMessage[] = [];
  private cursor = new Map<string, number>();
  closeCode: number | undefined;
  closeReason = "";
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => this.received.push(JSON.parse(data.toString()) as ServerMessage));
    this.closed = new Promise((resolve) =>
      ws.on("close", (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        resolve(code);
      }),
    );
  }

  static open(url: string, options: ClientOptions & { token?: string } = {}): Promise<TestSocket> {
    const headers = { ...(options.headers ?? {}), ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) };
    const ws = new WebSocket(url, { ...options, headers });
    const socket = new TestSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(socket));
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
    });
  }

  /** Opens and authenticates with the Authorization header; waits for auth_ok. */
  static async connect(url: string, token: string): Promise<TestSocket> {
    const socket = await TestSocket.open(url, { token });
    await socket.next("auth_ok");
    return socket;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** The next message of this type not yet returned by `next` (waits for it). */
  async next<T extends ServerMessage["type"]>(type: T, { timeoutMs = 5_000, where }: { timeoutMs?: number; where?: (m: Of<T>) => boolean } = {}): Promise<Of<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const from = this.cursor.get(type) ?? 0;
      for (let i = from; i < this.received.length; i++) {
        const message = this.received[i];
        if (message?.type === type && (!where || where(message as Of<T>))) {
          this.cursor.set(type, i + 1);
          return message as Of<T>;
        }
      }
      if (Date.now() > deadline) throw new Error(`no ${type} within ${timeoutMs} ms; got ${JSON.stringify(this.received.map((m) => m.type))}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  ofType<T extends ServerMessage["type"]>(type: T): Of<T>[] {
    return this.received.filter((message): message is Of<T> => message.type === type);
  }

  close(): void {
    this.ws.close();
  }
}
