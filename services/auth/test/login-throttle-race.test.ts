import { errorBodySchema } from "@tollgate/contracts";
import { waitFor } from "@tollgate/test-harness";
import { PasswordHasher } from "../src/domain/password-hasher";
import { call, Canaries, expectNoCanaryInLogs, newAccount, registerAndLogin, startAuth, type AuthFixture, type JsonResponse } from "./support";

const ACCOUNT_LIMIT = 5;
const IP_LIMIT = 8;

/**
 * The real argon2 verifier, counting the passwords it checks. While `hold()` is in force every
 * check waits before running (at most `holdMs`), so a test can keep guesses in flight and send
 * another attempt into exactly the window the old check-then-count code left open.
 */
class CountingHasher extends PasswordHasher {
  verifications = 0;
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;

  constructor() {
    super({ memoryKiB: 1024, timeCost: 1, parallelism: 1, maxConcurrency: 2 });
  }

  hold(holdMs = 3_000): void {
    this.held = new Promise<void>((resolve) => {
      this.release = resolve;
      setTimeout(resolve, holdMs).unref();
    });
  }

  letGo(): void {
    this.release?.();
    this.held = undefined;
  }

  override async verify(hash: string | undefined, password: string): Promise<boolean> {
    this.verifications++;
    await this.held;
    return super.verify(hash, password);
  }
}

// The test database outlives a run, and audit rows are looked up by IP: start each run somewhere else.
let ipCounter = Math.floor(Math.random() * 2 ** 24);
const freshIp = () => `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter++ & 255}`;

describe("brute-force limits under concurrency", () => {
  const canaries = new Canaries();
  const hasher = new CountingHasher();
  let fx: AuthFixture;

  beforeAll(async () => {
    fx = await startAuth({ LOGIN_ACCOUNT_MAX_FAILURES: String(ACCOUNT_LIMIT), LOGIN_ACCOUNT_WINDOW_SECONDS: "60", LOGIN_IP_MAX_FAILURES: String(IP_LIMIT), LOGIN_IP_WINDOW_SECONDS: "60" }, { hasher });
  });

  afterEach(() => hasher.letGo());

  afterAll(async () => {
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  const login = (body: { login: string; password: string }, ip: string) =>
    call<{ access_token?: string; refresh_token?: string; error_code?: string }>(fx, "POST", "/api/v1/auth/login", { body, headers: { "x-forwarded-for": ip } });

  const statusCounts = (responses: JsonResponse[]) => {
    const counts: Record<number, number> = {};
    for (const response of responses) counts[response.status] = (counts[response.status] ?? 0) + 1;
    return counts;
  };

  /** Every refusal is the standard body with RATE_LIMITED and a Retry-After of at least a second (RFC 6585 §4). */
  const expectRateLimited = (response: JsonResponse) => {
    expect(response.status).toBe(429);
    expect(errorBodySchema.parse(response.body).error_code).toBe("RATE_LIMITED");
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  };

  const auditRows = (where: Record<string, string>, since: Date) => fx.knex("audit_logs").where(where).where("created_at", ">=", since);

  it("when 3 × the limit wrong guesses and the right password race for one account, then only the limit is checked, the right password gets 429 with Retry-After, and each checked failure is audited", async () => {
    const ip = freshIp();
    const { account, userId } = await registerAndLogin(fx, canaries, { "x-forwarded-for": freshIp() });
    const since = new Date();
    hasher.verifications = 0;
    hasher.hold();

    const guesses = Array.from({ length: 3 * ACCOUNT_LIMIT }, (_, i) => login({ login: account.email, password: canaries.add(`canary-race-guess-${i}-pw`) }, ip));
    // The right password goes out once the guesses have taken every slot, while they are still being checked.
    await waitFor(() => hasher.verifications >= ACCOUNT_LIMIT, { what: "the first guesses to reach the verifier" });
    const right = await login({ login: account.email, password: account.password }, ip);
    const checkedWhileHeld = hasher.verifications;
    hasher.letGo();
    const answers = await Promise.all(guesses);

    canaries.addTokens(right.body);
    expectRateLimited(right);
    expect(checkedWhileHeld).toBe(ACCOUNT_LIMIT);
    expect(hasher.verifications).toBe(ACCOUNT_LIMIT);
    expect(statusCounts(answers)).toEqual({ 401: ACCOUNT_LIMIT, 429: 2 * ACCOUNT_LIMIT });
    for (const refused of answers.filter((response) => response.status === 429)) expectRateLimited(refused);
    expect(await auditRows({ user_id: userId, action: "login_failure" }, since)).toHaveLength(ACCOUNT_LIMIT);
    expect(await auditRows({ user_id: userId, action: "lockout" }, since)).toHaveLength(1);

    // The account is now locked: the right password is still refused, from another IP too.
    expectRateLimited(await login({ login: account.username, password: account.password }, freshIp()));
    expect(hasher.verifications).toBe(ACCOUNT_LIMIT);
  });

  it("when 3 × the limit wrong guesses and the right password are sent at the same moment, then at most the limit is checked and every other attempt gets 429 with Retry-After", async () => {
    const ip = freshIp();
    const { account, userId } = await registerAndLogin(fx, canaries, { "x-forwarded-for": freshIp() });
    const since = new Date();
    hasher.verifications = 0;

    const batch = [
      ...Array.from({ length: 3 * ACCOUNT_LIMIT }, (_, i) => ({ login: account.email, password: canaries.add(`canary-batch-guess-${i}-pw`) })),
      { login: account.email, password: account.password },
    ];
    const answers = await Promise.all(batch.map((body) => login(body, ip)));
    for (const answer of answers) canaries.addTokens(answer.body);

    const counts = statusCounts(answers);
    const checked = (counts[401] ?? 0) + (counts[200] ?? 0);
    expect(hasher.verifications).toBeLessThanOrEqual(ACCOUNT_LIMIT);
    expect(checked).toBe(hasher.verifications);
    expect(counts[429]).toBe(batch.length - checked);
    for (const refused of answers.filter((response) => response.status !== 401 && response.status !== 200)) expectRateLimited(refused);
    // The right password was either one of the attempts checked (200) or refused like the rest.
    expect([200, 429]).toContain(answers.at(-1)?.status);
    expect(await auditRows({ user_id: userId, action: "login_failure" }, since)).toHaveLength(counts[401] ?? 0);
  });

  it("when 3 × the IP budget wrong guesses for different accounts race from one IP, then only the budget is checked, a right password from that IP gets 429, and another IP still logs in", async () => {
    const ip = freshIp();
    const { account } = await registerAndLogin(fx, canaries, { "x-forwarded-for": freshIp() });
    const since = new Date();
    hasher.verifications = 0;
    hasher.hold();

    const guesses = Array.from({ length: 3 * IP_LIMIT }, (_, i) => login({ login: newAccount(canaries).email, password: canaries.add(`canary-spray-race-${i}-pw`) }, ip));
    await waitFor(() => hasher.verifications >= IP_LIMIT, { what: "the first guesses to reach the verifier" });
    const right = await login({ login: account.email, password: account.password }, ip);
    hasher.letGo();
    const answers = await Promise.all(guesses);

    canaries.addTokens(right.body);
    expectRateLimited(right);
    expect(hasher.verifications).toBe(IP_LIMIT);
    expect(statusCounts(answers)).toEqual({ 401: IP_LIMIT, 429: 2 * IP_LIMIT });
    for (const refused of answers.filter((response) => response.status === 429)) expectRateLimited(refused);
    expect(await auditRows({ ip, action: "login_failure" }, since)).toHaveLength(IP_LIMIT);
    const blocks = await auditRows({ ip, action: "lockout" }, since);
    expect(blocks).toHaveLength(1);
    expect(blocks[0].details).toMatchObject({ scope: "ip" });

    const elsewhere = await login({ login: account.email, password: account.password }, freshIp());
    expect(elsewhere.status).toBe(200);
    canaries.addTokens(elsewhere.body);
  });

  it("when the right password is checked while guesses race it, then it logs in but does not forgive them: the account still locks", async () => {
    const ip = freshIp();
    const { account, userId } = await registerAndLogin(fx, canaries, { "x-forwarded-for": freshIp() });
    const since = new Date();
    hasher.verifications = 0;
    hasher.hold();
    const right = login({ login: account.email, password: account.password }, ip);
    await waitFor(() => hasher.verifications >= 1, { what: "the right password to reach the verifier" });
    const guesses = Array.from({ length: ACCOUNT_LIMIT - 1 }, (_, i) => login({ login: account.email, password: canaries.add(`canary-racing-owner-${i}-pw`) }, ip));
    await waitFor(() => hasher.verifications >= ACCOUNT_LIMIT, { what: "the guesses to reach the verifier" });
    hasher.letGo();

    const owner = await right;
    canaries.addTokens(owner.body);
    expect(owner.status).toBe(200);
    expect(statusCounts(await Promise.all(guesses))).toEqual({ 401: ACCOUNT_LIMIT - 1 });
    expect(await auditRows({ user_id: userId, action: "lockout" }, since)).toHaveLength(1);
    expectRateLimited(await login({ login: account.email, password: account.password }, freshIp()));
  });

  it("when more logins than the IP budget succeed from one IP, then they give their slots back and the IP's failures still get the whole budget", async () => {
    const ip = freshIp();
    const first = await registerAndLogin(fx, canaries, { "x-forwarded-for": freshIp() });
    const second = await registerAndLogin(fx, canaries, { "x-forwarded-for": freshIp() });
    for (let i = 0; i < 2 * IP_LIMIT; i++) {
      const { account } = i % 2 ? first : second;
      const success = await login({ login: account.email, password: account.password }, ip);
      expect(success.status).toBe(200);
      canaries.addTokens(success.body);
    }
    const statuses: number[] = [];
    for (let i = 0; i <= IP_LIMIT; i++) statuses.push((await login({ login: newAccount(canaries).email, password: canaries.add(`canary-after-success-${i}-pw`) }, ip)).status);
    expect(statuses).toEqual([...Array(IP_LIMIT).fill(401), 429]);
  });

  it("when current-password guesses race through the change-password endpoint, then only the account limit is checked and the rest get 429", async () => {
    const { tokens } = await registerAndLogin(fx, canaries, { "x-forwarded-for": freshIp() });
    hasher.verifications = 0;
    const answers = await Promise.all(
      Array.from({ length: 3 * ACCOUNT_LIMIT }, (_, i) =>
        call(fx, "POST", "/api/v1/users/me/password", {
          token: tokens.access_token,
          body: { current_password: canaries.add(`canary-change-guess-${i}-pw`), new_password: canaries.add(`canary-change-new-${i}-Vx7#plum`) },
          headers: { "x-forwarded-for": freshIp() },
        }),
      ),
    );
    expect(hasher.verifications).toBeLessThanOrEqual(ACCOUNT_LIMIT);
    expect(statusCounts(answers)[401]).toBe(hasher.verifications);
    for (const refused of answers.filter((response) => response.status !== 401)) expectRateLimited(refused);
  });
});
