import { TokenRejectedError } from "@tollgate/service-kit";
import { PassThrough } from "node:stream";
import type { TokenValidator } from "../domain/token-validator";
import { revalidateTunnels } from "./tunnel-revalidation";
import { TunnelRegistry } from "./tunnel-registry";

describe("open tunnels re-validated while they live", () => {
  const grant = { tokenId: "t-1", userId: "u-1", expiresAt: Date.now() + 3_600_000 };
  const open = (registry: TunnelRegistry, hash: string) => {
    const socket = new PassThrough();
    const written: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => written.push(chunk));
    registry.established(registry.add(socket, grant, hash));
    return { socket, written };
  };

  it("when the token service refuses a tunnel's token (no revocation event came), then its tunnels close with 4401 TOKEN_REVOKED and others stay open", async () => {
    const registry = new TunnelRegistry();
    const revoked = open(registry, "a".repeat(64));
    const kept = open(registry, "b".repeat(64));
    const validator = {
      validateHash: async (hash: string) => {
        if (hash === "a".repeat(64)) throw new TokenRejectedError("TOKEN_REVOKED");
        return grant;
      },
    } as unknown as TokenValidator;
    const stop = revalidateTunnels(registry, validator, 20);
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(registry.tokenHashes()).toEqual(["b".repeat(64)]);
      const frame = Buffer.concat(revoked.written);
      expect(frame.readUInt16BE(2)).toBe(4401);
      expect(frame.subarray(4).toString()).toBe("TOKEN_REVOKED");
      expect(kept.written).toHaveLength(0);
    } finally {
      stop();
      registry.closeAll(1001, "going_away");
    }
  });

  it("when the token service cannot answer, then tunnels stay open (the HTTP side answers 503 meanwhile)", async () => {
    const registry = new TunnelRegistry();
    const tunnel = open(registry, "c".repeat(64));
    const validator = { validateHash: async () => Promise.reject(new Error("token service did not answer in time")) } as unknown as TokenValidator;
    const stop = revalidateTunnels(registry, validator, 20);
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(registry.tokenHashes()).toEqual(["c".repeat(64)]);
      expect(tunnel.written).toHaveLength(0);
    } finally {
      stop();
      registry.closeAll(1001, "going_away");
    }
  });
});
