import { startAuthFixture, type AuthFixture, type IssuedUser } from "@tollgate/auth-fixture";
import { uniqueName, waitFor } from "@tollgate/test-harness";
import { KitAccessTokenVerifier } from "../src/auth/kit-access-token-verifier";
import { CLOSE_AUTH_FAILED } from "../src/ws/game-connection";
import { startInstance, type TestInstance } from "./support/instance";
import { TestSocket } from "./support/ws-client";

/** Session revocations, half logouts and half disables, each through the real auth service and Kafka. */
const REVOCATIONS = Number(process.env.RACE_REVOCATIONS ?? 200);
/** Socket authentications sent into each revocation, one every ATTEMPT_SPACING_MS from the moment it is requested. */
const ATTEMPTS_PER_REVOCATION = 40;
const ATTEMPT_SPACING_MS = 1;
/** How long a socket may still be open once the instance has consumed the event (in-process, so generous). */
const SETTLE_MS = 1_000;

type Outcome = "refused" | "closed" | "open" | "wrong close";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("game sockets authenticating while their session is revoked", () => {
  const namespace = uniqueName("game").replace(/[^A-Za-z0-9._-]/g, "");
  let auth: AuthFixture;
  let instance: TestInstance;

  beforeAll(async () => {
    auth = await startAuthFixture({ namespace, publishEvents: true });
    instance = await startInstance(new KitAccessTokenVerifier(auth.verifier), {
      kafkaNamespace: namespace,
      // Every attempt of a revocation is the same user's; the cap is not what this is about.
      settings: { maxConnectionsPerUser: ATTEMPTS_PER_REVOCATION + 10, socket: { authTimeoutMs: 15_000, rateBurst: 1_000, ratePerSecond: 1_000 } },
    });
  });

  afterAll(async () => {
    await instance.stop();
    await auth.close();
  });

  /** The instance has handled the revocation's last event (for a disable, `user.disabled` follows the `session.revoked`). */
  const consumed = (user: IssuedUser, how: "logout" | "disable") =>
    waitFor(async () => (await instance.redis.exists(how === "logout" ? instance.keys.revokedSession(user.sessionId) : instance.keys.revokedUser(user.userId))) === 1, {
      timeoutMs: 30_000,
      intervalMs: 5,
      what: `the ${how} event to be consumed`,
    });

  const outcomeOf = (socket: TestSocket, how: "logout" | "disable"): Outcome => {
    if (socket.closeCode === undefined) return "open";
    const error = socket.ofType("auth_error")[0];
    const codes = how === "logout" ? ["SESSION_REVOKED"] : ["SESSION_REVOKED", "USER_DISABLED"];
    if (socket.closeCode !== CLOSE_AUTH_FAILED || !error || !codes.includes(error.code)) return "wrong close";
    return socket.ofType("auth_ok").length > 0 ? "closed" : "refused";
  };

  it(`when ${REVOCATIONS} session revocations (logout or disable through the auth service) each cross ${ATTEMPTS_PER_REVOCATION} socket authentications of that session, then once the revocation is acknowledged and its event consumed no socket of it is open: each was refused or closed with auth_error and 4401`, async () => {
    const tally: Record<Outcome, number> = { refused: 0, closed: 0, open: 0, "wrong close": 0 };
    const slipped: string[] = [];
    for (let i = 0; i < REVOCATIONS; i++) {
      const how = i % 2 === 0 ? "logout" : "disable";
      const user = await auth.user();
      // Opened beforehand, so that each authentication is one message: the `auth` of the socket protocol.
      const sockets = await Promise.all(Array.from({ length: ATTEMPTS_PER_REVOCATION }, () => TestSocket.open(instance.wsUrl)));
      try {
        // The revocation goes through auth's transaction, the outbox relay, Kafka and the
        // instance's consumer while the authentications go out one by one across all of it.
        const revoked = how === "logout" ? auth.logout(user.token) : auth.disableUser(user.userId);
        for (const socket of sockets) {
          socket.send({ type: "auth", token: user.token });
          await sleep(ATTEMPT_SPACING_MS);
        }
        await revoked;
        await consumed(user, how);
        await waitFor(() => sockets.every((socket) => socket.closeCode !== undefined), { timeoutMs: SETTLE_MS, intervalMs: 10 }).catch(() => undefined);
        for (const socket of sockets) {
          const outcome = outcomeOf(socket, how);
          tally[outcome]++;
          if (outcome === "open" || outcome === "wrong close") slipped.push(`revocation ${i} (${how}): ${outcome}, received ${JSON.stringify(socket.received.map((m) => m.type))}, close ${socket.closeCode}`);
        }
      } finally {
        for (const socket of sockets) socket.close();
      }
    }
    const revocationsWithAnOpenSocket = new Set(slipped.map((line) => line.slice(0, line.indexOf(" ("))));
    process.stdout.write(`${REVOCATIONS} revocations × ${ATTEMPTS_PER_REVOCATION} socket authentications: ${JSON.stringify(tally)}; revocations that left a socket open: ${revocationsWithAnOpenSocket.size}\n`);
    expect(slipped).toEqual([]);
    // The crossings happened: some sockets were let in before the event and then closed by it.
    expect(tally.closed).toBeGreaterThan(0);
    expect(tally.refused).toBeGreaterThan(0);
  }, 600_000);
});
