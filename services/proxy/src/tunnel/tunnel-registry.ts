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

export interface Tunnel {
  socket: Duplex;
  grant: Grant;
  tokenHash: string;
  expiryTimer: NodeJS.Timeout;
  /** False until the upstream's 101 went out: no close frame may be written before it. */
  established: boolean;
  /** A close asked for during the handshake, carried out once it completes. */
  pendingClose?: { reason: string; code: number };
}

/**
 * Open WebSocket tunnels by token, so a revocation closes them at once (4401 TOKEN_REVOKED) and
 * each closes by itself at its token's expiry (4401 TOKEN_EXPIRED).
 *
 * A tunnel joins the registry *before* its handshake with the upstream, so a revocation that
 * arrives during the handshake is not missed: it is held and carried out by `established`, right
 * after the 101 (a tunnel that registered only after the 101 outlived such revocations).
 */
export class TunnelRegistry {
  private readonly tunnels = new Set<Tunnel>();

  constructor(private readonly onChange: (open: number) => void = () => undefined) {}

  get size(): number {
    return this.tunnels.size;
  }

  /** Registers a tunnel whose handshake is about to start; call `established` after the 101. */
  add(socket: Duplex, grant: Grant, tokenHash: string, now = Date.now()): Tunnel {
    // setTimeout holds at most ~24.8 days; longer tokens are re-armed when that fires.
    const arm = (): NodeJS.Timeout =>
      setTimeout(() => {
        if (grant.expiresAt - Date.now() > 1_000) tunnel.expiryTimer = arm();
        else this.close(tunnel, "TOKEN_EXPIRED");
      }, Math.min(Math.max(grant.expiresAt - now, 0), 2 ** 31 - 1));
    const tunnel: Tunnel = { socket, grant, tokenHash, expiryTimer: undefined as unknown as NodeJS.Timeout, established: false };
    tunnel.expiryTimer = arm();
    this.tunnels.add(tunnel);
    this.onChange(this.tunnels.size);
    const forget = () => {
      clearTimeout(tunnel.expiryTimer);
      if (this.tunnels.delete(tunnel)) this.onChange(this.tunnels.size);
    };
    socket.once("close", forget);
    socket.once("error", forget);
    return tunnel;
  }

  /** The upstream's 101 went out: a close held back during the handshake happens now. */
  established(tunnel: Tunnel): void {
    tunnel.established = true;
    if (tunnel.pendingClose) this.close(tunnel, tunnel.pendingClose.reason, tunnel.pendingClose.code);
  }

  /** The handshake failed: the tunnel never existed. */
  discard(tunnel: Tunnel): void {
    clearTimeout(tunnel.expiryTimer);
    if (this.tunnels.delete(tunnel)) this.onChange(this.tunnels.size);
  }

  /** The SHA-256 of every token that has an open tunnel (each once). */
  tokenHashes(): string[] {
    return [...new Set([...this.tunnels].map((tunnel) => tunnel.tokenHash))];
  }

  closeByToken(tokenHash: string, reason = "TOKEN_REVOKED"): number {
    return this.closeWhere((tunnel) => tunnel.tokenHash === tokenHash, reason);
  }

  closeByUser(userId: string, reason = "TOKEN_REVOKED"): number {
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
    if (!tunnel.established) {
      tunnel.pendingClose = { reason, code };
      return;
    }
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
