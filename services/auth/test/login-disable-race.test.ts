import { eventTypes, oauthCallbackResponseSchema } from "@tollgate/contracts";
import { waitFor } from "@tollgate/test-harness";
import { GatedHasher } from "./gated-hasher";
import { newSubject, PROVIDER, startOAuth, type OAuthFixture } from "./oidc/oauth-fixture";
import { call, Canaries, expectNoCanaryInLogs, newAccount, registerAndLogin, type AuthFixture, type JsonResponse } from "./support";

const LOGIN_CROSSINGS = 100;
const OAUTH_CROSSINGS = 20;
const REFRESH_CROSSINGS = 50;

type Pair = { access_token?: string; refresh_token?: string; error_code?: string; user?: { id: string } };
type OutboxEvent = { type: string; data: { session_id?: string; reason?: string } };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("sessions opened while their user is being disabled", () => {
  const canaries = new Canaries();
  const hasher = new GatedHasher();
  let oauth: OAuthFixture;
  let fx: AuthFixture;
  let adminToken: string;

  beforeAll(async () => {
    oauth = await startOAuth(canaries, { hasher });
    fx = oauth.fx;
    const admin = await registerAndLogin(fx, canaries);
    await fx.knex("users").where({ id: admin.userId }).update({ role: "admin" });
    const login = await call<Pair>(fx, "POST", "/api/v1/auth/login", { body: { login: admin.account.email, password: admin.account.password } });
    canaries.addTokens(login.body);
    adminToken = login.body.access_token ?? "";
  });

  afterEach(() => hasher.letGo());

  afterAll(async () => {
    await oauth.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  const register = async (): Promise<{ account: ReturnType<typeof newAccount>; userId: string }> => {
    const account = newAccount(canaries);
    const registered = await call<{ id: string }>(fx, "POST", "/api/v1/auth/register", { body: account });
    if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
    return { account, userId: registered.body.id };
  };
  const login = (account: { email: string; password: string }) => call<Pair>(fx, "POST", "/api/v1/auth/login", { body: { login: account.email, password: account.password } });
  const disable = (userId: string) => call(fx, "POST", `/api/v1/admin/users/${userId}/disable`, { token: adminToken });

  /**
   * What must hold once a disable is acknowledged, whatever crossed it: every session of the user
   * is revoked and has its `session.revoked` in the outbox (so every other service drops it),
   * `user.disabled` was written once, and a pair handed out is refused by refresh and by /me.
   * Returns what is wrong (empty when nothing is).
   */
  const afterDisable = async (userId: string, pair: Pair | undefined): Promise<string[]> => {
    const problems: string[] = [];
    const sessions: { id: string; revoked_at: Date | null; revoke_reason: string | null }[] = await fx.knex("sessions").where({ user_id: userId });
    const events = ((await fx.knex("outbox").where({ topic: fx.authEventsTopic, message_key: userId })) as { payload: OutboxEvent }[]).map((row) => row.payload);
    const revokedEvents = new Set(events.filter((event) => event.type === eventTypes.sessionRevoked).map((event) => event.data.session_id));
    for (const session of sessions) {
      if (session.revoked_at === null) problems.push(`session ${session.id} not revoked`);
      if (!revokedEvents.has(session.id)) problems.push(`no session.revoked for ${session.id}`);
    }
    if (events.filter((event) => event.type === eventTypes.userDisabled).length !== 1) problems.push("not exactly one user.disabled");
    if (pair?.refresh_token) {
      const refreshed = await call<Pair>(fx, "POST", "/api/v1/auth/refresh", { body: { refresh_token: pair.refresh_token } });
      canaries.addTokens(refreshed.body);
      if (refreshed.status !== 401) problems.push(`refresh answered ${refreshed.status}`);
    }
    if (pair?.access_token) {
      const me = await call(fx, "GET", "/api/v1/users/me", { token: pair.access_token });
      if (me.status !== 401) problems.push(`/me answered ${me.status}`);
    }
    return problems;
  };

  const tally = (counts: Record<string, number>, key: string) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };

  it(`when a password login and an admin's disable of the same user cross ${LOGIN_CROSSINGS} times, then no session outlives the disable: refresh and /me refuse it and each session has its session.revoked`, async () => {
    const outcomes: Record<string, number> = {};
    const failures: string[] = [];
    for (let i = 0; i < LOGIN_CROSSINGS; i++) {
      const { account, userId } = await register();
      let answers: [JsonResponse<Pair>, JsonResponse];
      if (i % 2 === 0) {
        // The disable is committed and acknowledged while the login is at argon2: after it read
        // the user (enabled), before it wrote the session.
        const before = hasher.verifications;
        hasher.hold();
        const loginAnswer = login(account);
        await waitFor(() => hasher.verifications > before, { intervalMs: 2, what: "the login to reach its password check" });
        const disableAnswer = await disable(userId);
        hasher.letGo();
        answers = [await loginAnswer, disableAnswer];
      } else {
        // Sent together, the disable 0–15 ms later: any order, including a disable that has to
        // wait for the login's session write.
        answers = await Promise.all([login(account), sleep((i * 7) % 16).then(() => disable(userId))]);
      }
      const [loginAnswer, disableAnswer] = answers;
      canaries.addTokens(loginAnswer.body);
      expect(disableAnswer.status).toBe(204);
      const problems = await afterDisable(userId, loginAnswer.body);
      const mode = i % 2 === 0 ? "disable during argon2" : "sent together";
      if (problems.length > 0) failures.push(`crossing ${i} (${mode}, login ${loginAnswer.status}): ${problems.join("; ")}`);
      tally(outcomes, `${mode}: login ${loginAnswer.status}${loginAnswer.body.error_code ? ` ${loginAnswer.body.error_code}` : ""}${problems.length > 0 ? ", session outlived the disable" : ""}`);
      if (loginAnswer.status !== 200) expect(loginAnswer).toMatchObject({ status: 403, body: { error_code: "ACCOUNT_DISABLED" } });
    }
    process.stdout.write(`login × disable, ${LOGIN_CROSSINGS} crossings: ${JSON.stringify(outcomes)}\n`);
    expect(failures).toEqual([]);
    // Every disable that landed during argon2 refused the login it crossed.
    expect(outcomes["disable during argon2: login 403 ACCOUNT_DISABLED"]).toBe(LOGIN_CROSSINGS / 2);
  });

  it(`when an OAuth sign-in's session write waits until an admin's disable of the account is acknowledged (${OAUTH_CROSSINGS} crossings), then every sign-in is refused with 403 ACCOUNT_DISABLED and opens no session`, async () => {
    const outcomes: Record<string, number> = {};
    const failures: string[] = [];
    const waitingOnRefreshTokens = async () => {
      const { rows } = await fx.knex.raw("SELECT count(*)::int AS waiting FROM pg_locks WHERE relation = 'refresh_tokens'::regclass AND NOT granted");
      return (rows[0] as { waiting: number }).waiting > 0;
    };
    for (let i = 0; i < OAUTH_CROSSINGS; i++) {
      const subject = newSubject();
      oauth.idp.accounts.set(subject, { email: `${subject}@idp.example.test`, email_verified: true });
      const first = oauthCallbackResponseSchema.parse((await oauth.signIn(subject)).body);
      const userId = first.user.id;
      // Logged out, so that the disable below revokes nothing and never needs refresh_tokens.
      expect((await call(fx, "POST", "/api/v1/auth/logout", { token: first.access_token })).status).toBe(204);
      const { code, state } = await oauth.authorize(subject);

      // The test holds refresh_tokens, which only a session write needs: the sign-in finds its
      // account (enabled), then its write waits while the disable commits and is acknowledged.
      const holder = await fx.knex.transaction();
      await holder.raw("LOCK TABLE refresh_tokens IN EXCLUSIVE MODE");
      let callback: Promise<JsonResponse<Pair>> | undefined;
      try {
        callback = call<Pair>(fx, "GET", `/api/v1/auth/oauth/${PROVIDER}/callback?code=${encodeURIComponent(code)}&state=${state}`);
        await waitFor(waitingOnRefreshTokens, { intervalMs: 5, what: "the sign-in's session write to wait" });
        expect((await disable(userId)).status).toBe(204);
      } finally {
        await holder.commit();
      }
      const answer = await callback;
      canaries.addTokens(answer.body);
      const problems = await afterDisable(userId, answer.body);
      if (answer.status !== 403) problems.push(`callback answered ${answer.status}`);
      if (problems.length > 0) failures.push(`crossing ${i}: ${problems.join("; ")}`);
      tally(outcomes, `callback ${answer.status}${answer.body.error_code ? ` ${answer.body.error_code}` : ""}${problems.length > 0 ? ", session outlived the disable" : ""}`);
    }
    process.stdout.write(`oauth sign-in × disable, ${OAUTH_CROSSINGS} crossings: ${JSON.stringify(outcomes)}\n`);
    expect(failures).toEqual([]);
    expect(outcomes).toEqual({ "callback 403 ACCOUNT_DISABLED": OAUTH_CROSSINGS });
  });

  it(`when a refresh and an admin's disable of the same user cross ${REFRESH_CROSSINGS} times, then the session still ends revoked with its session.revoked, and the pair it handed out is refused`, async () => {
    const outcomes: Record<string, number> = {};
    const failures: string[] = [];
    for (let i = 0; i < REFRESH_CROSSINGS; i++) {
      const { tokens, userId } = await registerAndLogin(fx, canaries);
      const lag = i % 6;
      const [refreshed, disabled] = await Promise.all([
        sleep(lag < 3 ? lag : 0).then(() => call<Pair>(fx, "POST", "/api/v1/auth/refresh", { body: { refresh_token: tokens.refresh_token } })),
        sleep(lag >= 3 ? lag - 3 : 0).then(() => disable(userId)),
      ]);
      canaries.addTokens(refreshed.body);
      expect(disabled.status).toBe(204);
      // The refresh locks the session row and the disable's revocation waits for it, so a
      // rotation either happened before the revocation or found the session revoked.
      const problems = await afterDisable(userId, refreshed.status === 200 ? refreshed.body : tokens);
      if (problems.length > 0) failures.push(`crossing ${i} (refresh ${refreshed.status}): ${problems.join("; ")}`);
      tally(outcomes, `refresh ${refreshed.status}`);
    }
    process.stdout.write(`refresh × disable, ${REFRESH_CROSSINGS} crossings: ${JSON.stringify(outcomes)}\n`);
    expect(failures).toEqual([]);
  });
});
