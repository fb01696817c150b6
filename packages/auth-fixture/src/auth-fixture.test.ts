import { eventTypes } from "@tollgate/contracts";
import { EventCollector, waitFor } from "@tollgate/test-harness";
import { startAuthFixture, type AuthFixture } from "./index";

describe("auth fixture", () => {
  let auth: AuthFixture;

  beforeAll(async () => {
    auth = await startAuthFixture();
  });

  afterAll(async () => {
    await auth.close();
  });

  it("when a user signs in through the real auth service, then the shared verifier accepts the access token", async () => {
    const user = await auth.user();
    const claims = await auth.verifier.verifyAccessToken(user.token);
    expect(claims).toMatchObject({ sub: user.userId, sid: user.sessionId, role: "user", typ: "access" });
  });

  it("when a service token is issued for a scope, then the verifier accepts it for that scope only", async () => {
    const token = await auth.serviceToken("tokens:validate");
    await expect(auth.verifier.verifyServiceToken(token, "tokens:validate")).resolves.toMatchObject({ typ: "service" });
    await expect(auth.verifier.verifyServiceToken(token, "games:read")).rejects.toMatchObject({ statusCode: 403 });
  });

  it("when the fixture publishes events, then a logout and a disable reach Kafka as session.revoked and user.disabled", async () => {
    const publishing = await startAuthFixture({ publishEvents: true });
    const collector = await new EventCollector([publishing.authEventsTopic]).start();
    try {
      const leaving = await publishing.user();
      const disabled = await publishing.user();
      await publishing.logout(leaving.token);
      await publishing.disableUser(disabled.userId);
      type Event = { type: string; data: { session_id?: string; user_id: string; reason?: string } };
      const events = await waitFor(() => {
        // Their sign-ups' user.registered are on the topic too: count the revocation events only.
        const seen = collector.values<Event>().filter((event) => event.type !== eventTypes.userRegistered && [leaving.userId, disabled.userId].includes(event.data.user_id));
        return seen.length >= 3 ? seen : undefined;
      }, { timeoutMs: 20_000, what: "the revocation events" });
      expect(events).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: eventTypes.sessionRevoked, data: expect.objectContaining({ session_id: leaving.sessionId, reason: "logout" }) }),
          expect.objectContaining({ type: eventTypes.sessionRevoked, data: expect.objectContaining({ session_id: disabled.sessionId, reason: "user_disabled" }) }),
          expect.objectContaining({ type: eventTypes.userDisabled, data: expect.objectContaining({ user_id: disabled.userId }) }),
        ]),
      );
    } finally {
      await collector.stop();
      await publishing.close();
    }
  });
});
