import type { Duplex } from "node:stream";
import type { Grant } from "../domain/grant";

export const TOKEN_CLOSE_CODE = 4401;

/** A WebSocket close frame, server to client (unmasked): code + short reason. */
export function closeFrame(code: number, reason: string): Buffer {
  const reasonBytes = Buffer.from(reason, "utf8").subarray(0, 120);
  const payload = Buffer.alloc(2 + reasonBytes.length);
  payload.writeUInt16BE(code, 0);
  reasonBytes.copy(payload, 2);
  return Buffer.concat([Buffer.from([0x88, payload.length]), payload]);
}

interface Tunnel {
  socket: Duplex;
  grant: Grant;
  tokenHash: string;
  expiryTimer: NodeJS.Timeout;
}

/**
 * Open WebSocket tunnels by token, so a revocation closes them at once (4401 token_revoked) and
 * each closes by itself at its token's expiry (4401 token_expired).
 */
export class TunnelRegistry {
  private readonly tunnels = new Set<Tunnel>();

  constructor(private readonly onChange: (open: number) => void = () => undefined) {}

  get size(): number {
    return this.tunnels.size;
  }

  add(socket: Duplex, grant: Grant, tokenHash: string, now = Date.now()): void {
    // setTimeout holds at most ~24.8 days; longer tokens are re-armed when that fires.
    const arm = (): NodeJS.Timeout =>
      setTimeout(() => {
        if (grant.expiresAt - Date.now() > 1_000) tunnel.expiryTimer = arm();
        else this.close(tunnel, "token_expired");
      }, Math.min(Math.max(grant.expiresAt - now, 0), 2 ** 31 - 1));
    const tunnel: Tunnel = { socket, grant, tokenHash, expiryTimer: undefined as unknown as NodeJS.Timeout };
    tunnel.expiryTimer = arm();
    this.tunnels.add(tunnel);
    this.onChange(this.tunnels.size);
    const forget = () => {
      clearTimeout(tunnel.expiryTimer);
      if (this.tunnels.delete(tunnel)) this.onChange(this.tunnels.size);
    };
    socket.once("close", forget);
    socket.once("error", forget);
  }

  closeByToken(tokenHash: string, reason = "token_revoked"): number {
    return this.closeWhere((tunnel) => tunnel.tokenHash === tokenHash, reason);
  }

  closeByUser(userId: string, reason = "token_revoked"): number {
    return this.closeWhere((tunnel) => tunnel.grant.userId === userId, reason);
  }

  closeAll(code: number, reason: string): void {
    for (const tunnel of [...this.tunnels]) this.close(tunnel, reason, code);
  }

  private closeWhere(match: (tunnel: Tunnel) => boolean, reason: string): number {
    let closed = 0;
    for (const tunnel of [...this.tunnels]) {
      if (match(tunnel)) {
        this.close(tunnel, reason);
        closed++;
      }
    }
    return closed;
  }

  private close(tunnel: Tunnel, reason: string, code = TOKEN_CLOSE_CODE): void {
    clearTimeout(tunnel.expiryTimer);
    this.tunnels.delete(tunnel);
    this.onChange(this.tunnels.size);
    const { socket } = tunnel;
    if (socket.destroyed) return;
    socket.end(closeFrame(code, reason));
    // Give the frame a moment to leave, then cut the tunnel (and with it the upstream side).
    setTimeout(() => socket.destroy(), 250).unref();
  }
}
