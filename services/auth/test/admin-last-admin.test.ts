import { isolatedDatabase, loggedInAdmin } from "./admin-support";
import { call, Canaries, expectNoCanaryInLogs, startAuth, type AuthFixture } from "./support";

describe("the last enabled admin keeps the role, on a database with no other admin", () => {
  const canaries = new Canaries();
  const database = isolatedDatabase();
  let fx: AuthFixture;

  beforeAll(async () => {
    fx = await startAuth({ DATABASE_URL: database.url });
  });

  afterAll(async () => {
    await fx.close();
    await database.drop();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  const removeRole = (token: string, userId: string) => call(fx, "PUT", `/api/v1/admin/users/${userId}/role`, { token, body: { role: "user" } });

  it("when the only admin removes their own role or disables themselves, then 409 LAST_ADMIN and nothing changes; once another admin exists, they may", async () => {
    const only = await loggedInAdmin(fx, canaries);
    for (const response of [await removeRole(only.token, only.userId), await call(fx, "POST", `/api/v1/admin/users/${only.userId}/disable`, { token: only.token })]) {
      expect([response.status, response.body.error_code]).toEqual([409, "LAST_ADMIN"]);
    }
    expect(await fx.knex("users").where({ id: only.userId }).first()).toMatchObject({ role: "admin", disabled_at: null });
    expect((await call(fx, "GET", "/api/v1/admin/users", { token: only.token })).status).toBe(200);
    expect(await fx.knex("audit_logs").whereIn("action", ["role_removed", "user_disabled"])).toEqual([]);

    const second = await loggedInAdmin(fx, canaries);
    expect((await removeRole(only.token, only.userId)).status).toBe(200);
    expect(await fx.knex("users").where({ role: "admin" }).pluck("id")).toEqual([second.userId]);
    // Now the second is the last one.
    const refused = await call(fx, "POST", `/api/v1/admin/users/${second.userId}/disable`, { token: second.token });
    expect([refused.status, refused.body.error_code]).toEqual([409, "LAST_ADMIN"]);
  });

  it("when two admins remove their own roles at the same moment, then exactly one succeeds and one admin remains", async () => {
    await fx.knex("users").where({ role: "admin" }).update({ role: "user" });
    const [a, b] = [await loggedInAdmin(fx, canaries), await loggedInAdmin(fx, canaries)];
    for (let round = 0; round < 10; round++) {
      await fx.knex("users").whereIn("id", [a.userId, b.userId]).update({ role: "admin" });
      // Tokens still say admin after a removal (the sessions are revoked then): log in again each round.
      const [tokenA, tokenB] = await Promise.all([a, b].map(async (admin) => {
        const login = await call<{ access_token: string }>(fx, "POST", "/api/v1/auth/login", { body: { login: admin.account.email, password: admin.account.password } });
        canaries.addTokens(login.body);
        return login.body.access_token;
      }));
      const results = await Promise.all([removeRole(tokenA!, a.userId), removeRole(tokenB!, b.userId)]);
      expect({ round, statuses: results.map((response) => response.status).sort() }).toEqual({ round, statuses: [200, 409] });
      expect(await fx.knex("users").where({ role: "admin" }).whereNull("disabled_at").count<{ count: string }[]>("* as count")).toEqual([{ count: "1" }]);
    }
  });
});
