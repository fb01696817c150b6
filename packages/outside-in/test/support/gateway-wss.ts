import { randomBytes } from "node:crypto";
import https from "node:https";
import type { Duplex } from "node:stream";

/**
 * Opens a WebSocket over TLS (RFC 6455 section 4 handshake on an https request), sends one text
 * frame and resolves with the first `frames` text frames that come back. Small on purpose: it needs
 * no WebSocket library, and the frames here are short (under 126 bytes).
 */
export function wssEcho(url: string, options: { ca: Buffer; headers: Record<string, string>; text: string; frames: number }): Promise<{ status: number; frames: string[] }> {
  if (Buffer.byteLength(options.text) > 125) throw new Error("wssEcho sends short frames only");
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      ca: options.ca,
      agent: false,
      headers: { ...options.headers, connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": randomBytes(16).toString("base64") },
    });
    req.on("response", (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
    req.on("error", reject);
    req.on("upgrade", (res, socket: Duplex) => {
      const payload = Buffer.from(options.text);
      const mask = randomBytes(4);
      // FIN + text opcode; client frames are masked (section 5.3).
      socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!))]));
      let buffered = Buffer.alloc(0);
      const frames: string[] = [];
      socket.on("data", (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        while (buffered.length >= 2) {
          const length = buffered[1]! & 0x7f;
          if (length > 125) return reject(new Error("a frame longer than 125 bytes"));
          if (buffered.length < 2 + length) return;
          if ((buffered[0]! & 0x0f) !== 1) return reject(new Error(`unexpected opcode ${buffered[0]! & 0x0f}`));
          frames.push(buffered.subarray(2, 2 + length).toString());
          buffered = buffered.subarray(2 + length);
          if (frames.length === options.frames) {
            resolve({ status: res.statusCode ?? 0, frames });
            socket.destroy();
            return;
          }
        }
      });
      socket.on("error", reject);
    });
    req.end();
  });
}
