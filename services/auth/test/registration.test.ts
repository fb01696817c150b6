import { randomBytes } from "node:crypto";
import { errorBodySchema } from "@tollgate/contracts";
import { call, Canaries, expectNoCanaryInLogs, newAccount, startAuth, type AuthFixture } from "./support";

describe("registration", () => {
  const canaries = new Canaries();
  let fx: AuthFixture;

  beforeAll(async () => {
    fx = await startAuth();
  });

  afterAll(async () => {
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  const register = (body: unknown) => call(fx, "POST", "/api/v1/auth/register", { body });

  it("when 50 registrations with one e-mail race, then exactly one gets 201 and the other 49 get 409 DUPLICATE_EMAIL", async () => {
    const base = newAccount(canaries);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => register({ ...base, email: i % 2 ? base.email.toUpperCase() : base.email, username: `${base.username.slice(0, 26)}_${i}` })),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(49);
    for (const response of responses.filter((r) => r.status === 409)) expect(errorBodySchema.parse(response.body).error_code).toBe("DUPLICATE_EMAIL");
    expect(await fx.knex("users").whereRaw("lower(email) = ?", [base.email]).count<{ count: string }[]>("* as count")).toEqual([{ count: "1" }]);
  });

  it("when 20 registrations with one username (different case) race, then one 201 and 19 × 409 DUPLICATE_USERNAME", async () => {
    const base = newAccount(canaries);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => register({ ...base, email: `${i}.${base.email}`, username: i % 2 ? base.username.toUpperCase() : base.username })),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    const conflicts = responses.filter((r) => r.status === 409);
    expect(conflicts).toHaveLength(19);
    expect(new Set(conflicts.map((r) => r.body.error_code))).toEqual(new Set(["DUPLICATE_USERNAME"]));
  });

  it.each([
    ["a common password of the allowed length", "password123456", "commonly used password"],
    ["a keyboard row with digits", "qwertyuiop123", "commonly used password"],
    ["the service's name, a year and symbols", "Tollgate2026!!", "pattern"],
  ])("when the password is %s (%j), then 422 WEAK_PASSWORD on the password field saying why and what to do, and no account exists", async (_what, password, why) => {
    const account = newAccount(canaries);
    const response = await register({ ...account, password });
    expect(response.status).toBe(422);
    const body = errorBodySchema.parse(response.body);
    expect(body.error_code).toBe("WEAK_PASSWORD");
    expect(body.errors?.[0]?.path).toBe("password");
    expect(body.detail).toMatch(/^password is too easy to guess: /);
    expect(body.detail).toContain(why);
    expect(body.detail).toContain("A few unrelated words");
    expect(await fx.knex("users").where({ email: account.email })).toEqual([]);
  });

  it("when the password is the user's own e-mail address, in any case, then 422 WEAK_PASSWORD", async () => {
    const account = newAccount(canaries);
    for (const password of [account.email, account.email.toUpperCase()]) {
      const response = await register({ ...account, password });
      expect(response.status).toBe(422);
      expect(errorBodySchema.parse(response.body)).toMatchObject({ error_code: "WEAK_PASSWORD", errors: [{ path: "password" }] });
    }
  });

  it("when the password is built on the user's e-mail, then 422 WEAK_PASSWORD (the e-mail is one of zxcvbn's user inputs)", async () => {
    const account = newAccount(canaries);
    const local = account.email.slice(0, account.email.indexOf("@"));
    const response = await register({ ...account, password: `${local}!2026` });
    expect(response.status).toBe(422);
    expect(response.body.error_code).toBe("WEAK_PASSWORD");
  });

  it("when the password is a long passphrase or a generated one, then it registers", async () => {
    expect((await register({ ...newAccount(canaries), password: canaries.add("correct horse battery staple violet") })).status).toBe(201);
    expect((await register({ ...newAccount(canaries), password: canaries.add(randomBytes(15).toString("base64url")) })).status).toBe(201);
  });

  it("when the password equals the username, then 422 WEAK_PASSWORD", async () => {
    const account = newAccount(canaries);
    const username = "long_enough_name_1";
    const response = await register({ ...account, username, password: username.toUpperCase() });
    expect(response.status).toBe(422);
    expect(response.body.error_code).toBe("WEAK_PASSWORD");
  });

  it("when the password is 11 or 129 characters, then 422 before any account exists; 12 and 128 of any characters are accepted", async () => {
    const short = newAccount(canaries);
    const long = newAccount(canaries);
    expect((await register({ ...short, password: "ab3$ef7hi9k" })).status).toBe(422);
    const tooLong = await register({ ...long, password: "x".repeat(129) });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.error_code).toBe("VALIDATION_ERROR");
    expect(await fx.knex("users").whereIn("email", [short.email, long.email])).toEqual([]);
    expect((await register({ ...newAccount(canaries), password: canaries.add("🔑 ünïcødé 空 ") })).status).toBe(201);
    expect((await register({ ...newAccount(canaries), password: canaries.add("q".repeat(120) + "Z7!#x@w$") })).status).toBe(201);
  });

  it.each(["admin", "Root", "SYSTEM", "api"])("when the username is the reserved %s, then 422 RESERVED_USERNAME", async (username) => {
    const response = await register({ ...newAccount(canaries), username });
    expect(response.status).toBe(422);
    expect(response.body.error_code).toBe("RESERVED_USERNAME");
  });

  it.each(["ab", "a".repeat(33), "has space", "dot.name", "émile"])("when the username is %j, then 422 VALIDATION_ERROR naming the field", async (username) => {
    const response = await register({ ...newAccount(canaries), username });
    expect(response.status).toBe(422);
    expect(errorBodySchema.parse(response.body).errors?.[0]?.path).toBe("username");
  });

  it("when the e-mail is invalid or an extra field is sent, then 422", async () => {
    expect((await register({ ...newAccount(canaries), email: "not-an-email" })).status).toBe(422);
    expect((await register({ ...newAccount(canaries), role: "admin" })).status).toBe(422);
  });
});
