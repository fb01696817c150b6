import { eventTypes } from "@tollgate/contracts";
import { waitFor } from "@tollgate/test-harness";
import argon2 from "argon2";
import { GatedHasher } from "./gated-hasher";
import { call, Canaries, expectNoCanaryInLogs, newAccount, registerAndLogin, startAuth, type AuthFixture, type JsonResponse } from "./support";

const LOGIN_CROSSINGS = 100;
const CHANGE_CROSSINGS = 20;
const REHASH_RACES = 10;
const REHASH_CHANGE_CROSSINGS = 5;

type Pair = { access_token?: string; refresh_token?: string; error_code?: string; user?: { id: string } };
type OutboxEvent = { type: string; data: { session_id?: string; reason?: string } };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("sessions opened with a password that is being changed", () => {
  const canaries = new Canaries();
  const hasher = new GatedHasher();
  let fx: AuthFixture;

  beforeAll(async () => {
    fx = await startAuth({}, { hasher });
  });

  afterEach(() => hasher.letGo());

  afterAll(async () => {
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  const login = (email: string, password: string) => call<Pair>(fx, "POST", "/api/v1/auth/login", { body: { login: email, password } });
  const changePassword = (accessToken: string, current: string, next: string) =>
    call<Pair>(fx, "POST", "/api/v1/users/me/password", { token: accessToken, body: { current_password: current, new_password: next, revoke_other_sessions: true } });
  const sessionIdOf = (accessToken: string) => (JSON.parse(Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString()) as { sid: string }).sid;
  const newPassword = () => newAccount(canaries).password;
  const reachedCheck = (count: number) => waitFor(() => hasher.verifications >= count, { intervalMs: 2, what: "the request to reach its password check" });

  /**
   * What must hold once a password change (revoking the other sessions) is acknowledged, whatever
   * crossed it: every session of the user but the changer's is revoked with its `session.revoked`
   * in the outbox, and a pair a login handed out is refused by refresh and by /me. Returns what is
   * wrong (empty when nothing is).
   */
  const afterChange = async (userId: string, changerSessionId: string, pair: Pair): Promise<string[]> => {
    const problems: string[] = [];
    const sessions: { id: string; revoked_at: Date | null }[] = await fx.knex("sessions").where({ user_id: userId }).whereNot({ id: changerSessionId });
    const events = ((await fx.knex("outbox").where({ topic: fx.authEventsTopic, message_key: userId })) as { payload: OutboxEvent }[]).map((row) => row.payload);
    const revokedEvents = new Set(events.filter((event) => event.type === eventTypes.sessionRevoked).map((event) => event.data.session_id));
    for (const session of sessions) {
      if (session.revoked_at === null) problems.push(`session ${session.id} not revoked`);
      if (!revokedEvents.has(session.id)) problems.push(`no session.revoked for ${session.id}`);
    }
    if (pair.refresh_token) {
      const refreshed = await call<Pair>(fx, "POST", "/api/v1/auth/refresh", { body: { refresh_token: pair.refresh_token } });
      canaries.addTokens(refreshed.body);
      if (refreshed.status !== 401) problems.push(`refresh answered ${refreshed.status}`);
    }
    if (pair.access_token) {
      const me = await call(fx, "GET", "/api/v1/users/me", { token: pair.access_token });
      if (me.status !== 401) problems.push(`/me answered ${me.status}`);
    }
    return problems;
  };

  const tally = (counts: Record<string, number>, key: string) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };

  it(`when a login with the old password and a password change of the same user cross ${LOGIN_CROSSINGS} times, then no session opened with the old password outlives the change: each login was revoked by it or refused with 401`, async () => {
    const outcomes: Record<string, number> = {};
    const failures: string[] = [];
    for (let i = 0; i < LOGIN_CROSSINGS; i++) {
      const { account, tokens, userId } = await registerAndLogin(fx, canaries);
      const next = newPassword();
      let answers: [JsonResponse<Pair>, JsonResponse<Pair>];
      if (i % 2 === 0) {
        // The change is committed and acknowledged while the login is at argon2: after it read
        // the user (old password), before it wrote the session. Only the login's check is held.
        const before = hasher.verifications;
        hasher.hold({ verifies: 1 });
        const loginAnswer = login(account.email, account.password);
        await reachedCheck(before + 1);
        const changeAnswer = await changePassword(tokens.access_token, account.password, next);
        hasher.letGo();
        answers = [await loginAnswer, changeAnswer];
      } else {
        // Nothing held: the login is sent 0–15 ms after the change has checked the current
        // password, while the change runs the strength check, hashes and commits (tens of ms
        // here, more under load), so the login lands on either side of that commit, or reads
        // the user before it and writes after it.
        const lag = (i * 7) % 16;
        const before = hasher.verifications;
        const changeAnswer = changePassword(tokens.access_token, account.password, next);
        await reachedCheck(before + 1);
        await sleep(lag);
        answers = await Promise.all([login(account.email, account.password), changeAnswer]);
      }
      const [loginAnswer, changeAnswer] = answers;
      canaries.addTokens(loginAnswer.body);
      expect(changeAnswer.status).toBe(204);
      const problems = await afterChange(userId, sessionIdOf(tokens.access_token), loginAnswer.body);
      if (loginAnswer.status !== 200) {
        expect(loginAnswer).toMatchObject({ status: 401, body: { error_code: "INVALID_CREDENTIALS" } });
        const failuresAudited = await fx.knex("audit_logs").where({ user_id: userId, action: "login_failure" }).count<{ count: string }[]>({ count: "*" });
        if (Number(failuresAudited[0]?.count) !== 1) problems.push(`${failuresAudited[0]?.count} login_failure audit rows`);
      }
      const mode = i % 2 === 0 ? "change during argon2" : "login during the change";
      if (problems.length > 0) failures.push(`crossing ${i} (${mode}, login ${loginAnswer.status}): ${problems.join("; ")}`);
      tally(outcomes, `${mode}: login ${loginAnswer.status}${loginAnswer.body.error_code ? ` ${loginAnswer.body.error_code}` : ""}${problems.length > 0 ? ", session outlived the change" : ""}`);
    }
    process.stdout.write(`login × password change, ${LOGIN_CROSSINGS} crossings: ${JSON.stringify(outcomes)}\n`);
    expect(failures).toEqual([]);
    // Every change that landed during argon2 refused the login it crossed.
    expect(outcomes["change during argon2: login 401 INVALID_CREDENTIALS"]).toBe(LOGIN_CROSSINGS / 2);
  });

  it(`when two password changes that checked the same current password cross (${CHANGE_CROSSINGS} times), then the one committed second is refused with 401 and the first one's password stays`, async () => {
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < CHANGE_CROSSINGS; i++) {
      const { account, tokens: first, userId } = await registerAndLogin(fx, canaries);
      const secondLogin = await login(account.email, account.password);
      canaries.addTokens(secondLogin.body);
      const second = secondLogin.body.access_token ?? "";
      const [late, early] = [newPassword(), newPassword()];
      const before = hasher.verifications;
      hasher.hold({ verifies: 1 });
      const lateAnswerPromise = changePassword(first.access_token, account.password, late);
      await reachedCheck(before + 1);
      const earlyAnswer = await changePassword(second, account.password, early);
      hasher.letGo();
      const lateAnswer = await lateAnswerPromise;
      const withLate = await login(account.email, late);
      const withEarly = await login(account.email, early);
      canaries.addTokens(withLate.body);
      canaries.addTokens(withEarly.body);
      const changesAudited = await fx.knex("audit_logs").where({ user_id: userId, action: "password_change" }).count<{ count: string }[]>({ count: "*" });
      // The refused change revoked nothing: the early change's own session lives on.
      const earlySession = await call(fx, "GET", "/api/v1/users/me", { token: second });
      tally(
        outcomes,
        `early ${earlyAnswer.status}, late ${lateAnswer.status}${lateAnswer.body.error_code ? ` ${lateAnswer.body.error_code}` : ""}; password now ${withEarly.status === 200 ? "early's" : withLate.status === 200 ? "late's" : "neither"}; ` +
          `${changesAudited[0]?.count} password_change audited; early's session ${earlySession.status === 200 ? "alive" : "revoked"}`,
      );
    }
    process.stdout.write(`password change × password change, ${CHANGE_CROSSINGS} crossings: ${JSON.stringify(outcomes)}\n`);
    expect(outcomes).toEqual({ "early 204, late 401 INVALID_CREDENTIALS; password now early's; 1 password_change audited; early's session alive": CHANGE_CROSSINGS });
  });

  /** A user whose stored hash has a lower cost than the service's (as after raising ARGON2_*), with password_changed_at to the microsecond. */
  const registerAndLoginWithOldCost = async () => {
    const { account, tokens, userId } = await registerAndLogin(fx, canaries);
    const weakHash = await argon2.hash(account.password, { type: argon2.argon2id, memoryCost: 512, timeCost: 1, parallelism: 1 });
    await fx.knex("users").where({ id: userId }).update({ password_hash: weakHash, password_changed_at: fx.knex.raw("now() - interval '1 day'") });
    expect(hasher.needsRehash(weakHash)).toBe(true);
    return { account, tokens, userId, weakHash };
  };
  const readPassword = async (userId: string) =>
    (await fx.knex("users").where({ id: userId }).first(fx.knex.raw("password_hash, password_changed_at::text AS changed_at"))) as { password_hash: string; changed_at: string };

  it("when two logins that both read a hash of the old cost cross, and the second writes its session after the first rehashed, then both succeed, the hash is upgraded once and password_changed_at does not move", async () => {
    const { account, userId, weakHash } = await registerAndLoginWithOldCost();
    const stored = await readPassword(userId);
    const before = hasher.verifications;
    const releaseFirst = hasher.hold({ verifies: 1 });
    const firstAnswer = login(account.email, account.password);
    await reachedCheck(before + 1);
    const releaseSecond = hasher.hold({ verifies: 1 });
    const secondAnswer = login(account.email, account.password);
    await reachedCheck(before + 2);
    // Both read the user (and its old hash) before either wrote. The first finishes, rehash included.
    releaseFirst();
    const first = await firstAnswer;
    canaries.addTokens(first.body);
    const afterFirst = await readPassword(userId);
    releaseSecond();
    const second = await secondAnswer;
    canaries.addTokens(second.body);
    const afterSecond = await readPassword(userId);

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(afterFirst.password_hash).not.toBe(weakHash);
    expect(hasher.needsRehash(afterFirst.password_hash)).toBe(false);
    // The second login's rehash was conditional on the hash it read, which was gone by then.
    expect(afterSecond.password_hash).toBe(afterFirst.password_hash);
    expect([afterFirst.changed_at, afterSecond.changed_at]).toEqual([stored.changed_at, stored.changed_at]);
    for (const pair of [first.body, second.body]) expect((await call(fx, "GET", "/api/v1/users/me", { token: pair.access_token ?? "" })).status).toBe(200);
    const relogin = await login(account.email, account.password);
    canaries.addTokens(relogin.body);
    expect(relogin.status).toBe(200);
  });

  it(`when two logins of a user whose hash has the old cost are sent together (${REHASH_RACES} times), then both succeed and password_changed_at does not move`, async () => {
    for (let i = 0; i < REHASH_RACES; i++) {
      const { account, userId } = await registerAndLoginWithOldCost();
      const stored = await readPassword(userId);
      const answers = await Promise.all([login(account.email, account.password), sleep(i % 3).then(() => login(account.email, account.password))]);
      for (const answer of answers) canaries.addTokens(answer.body);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      const after = await readPassword(userId);
      expect(after.changed_at).toBe(stored.changed_at);
      expect(hasher.needsRehash(after.password_hash)).toBe(false);
    }
  });

  it(`when a login that needs a rehash checks the old password while a password change commits (${REHASH_CHANGE_CROSSINGS} times), then the new password stays the password and the login is refused with 401`, async () => {
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < REHASH_CHANGE_CROSSINGS; i++) {
      const { account, tokens, userId } = await registerAndLoginWithOldCost();
      const next = newPassword();
      const before = hasher.verifications;
      hasher.hold({ verifies: 1 });
      const loginAnswer = login(account.email, account.password);
      await reachedCheck(before + 1);
      const changeAnswer = await changePassword(tokens.access_token, account.password, next);
      hasher.letGo();
      const answer = await loginAnswer;
      canaries.addTokens(answer.body);
      const problems = await afterChange(userId, sessionIdOf(tokens.access_token), answer.body);
      // Which password opens the account now (before: the login's rehash of the old password
      // overwrote the new one).
      const withNew = await login(account.email, next);
      const withOld = await login(account.email, account.password);
      canaries.addTokens(withNew.body);
      canaries.addTokens(withOld.body);
      tally(outcomes, `change ${changeAnswer.status}, login ${answer.status}; new password ${withNew.status}, old password ${withOld.status}${problems.length > 0 ? `; ${problems.join("; ")}` : ""}`);
    }
    process.stdout.write(`rehashing login × password change, ${REHASH_CHANGE_CROSSINGS} crossings: ${JSON.stringify(outcomes)}\n`);
    expect(outcomes).toEqual({ "change 204, login 401; new password 200, old password 401": REHASH_CHANGE_CROSSINGS });
  });
});
