import { randomBytes } from "node:crypto";
import { createDatabase, createLogger } from "@tollgate/service-kit";
import { testDatabaseUrl } from "@tollgate/test-harness";
import { call, type AuthFixture, type Canaries, registerAndLogin } from "./support";

/** An admin of the fixture's database: registered, promoted in SQL (as a deployment's first admin was), logged in again. */
export async function loggedInAdmin(fx: AuthFixture, canaries: Canaries) {
  const registered = await registerAndLogin(fx, canaries);
  await fx.knex("users").where({ id: registered.userId }).update({ role: "admin" });
  const login = await call<{ access_token: string; refresh_token: string }>(fx, "POST", "/api/v1/auth/login", {
    body: { login: registered.account.email, password: registered.account.password },
  });
  if (login.status !== 200) throw new Error(`admin login answered ${login.status}`);
  canaries.addTokens(login.body);
  return { ...registered, token: login.body.access_token };
}

/**
 * A database of its own, created empty for one test file and dropped after it: for what the
 * shared test database cannot show (no admin at all, the last admin, an empty database).
 */
export function isolatedDatabase(): { url: string; drop(): Promise<void> } {
  const name = `tollgate_auth_test_${randomBytes(5).toString("hex")}`;
  return {
    url: testDatabaseUrl(name),
    async drop() {
      const server = createDatabase({ url: testDatabaseUrl("postgres"), logger: createLogger({ service: "auth-test", level: "error" }) });
      try {
        await server.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await server.destroy();
      }
    },
  };
}

/** Audit rows of one action about one user (the subject), oldest first. */
export function auditRows(fx: AuthFixture, where: { userId?: string | null; action: string; actorId?: string }) {
  const query = fx.knex("audit_logs").where({ action: where.action }).orderBy([{ column: "created_at", order: "asc" }, { column: "id", order: "asc" }]);
  if (where.userId !== undefined) query.where({ user_id: where.userId });
  if (where.actorId !== undefined) query.where({ actor_id: where.actorId });
  return query as Promise<{ id: string; user_id: string | null; actor_id: string | null; actor_type: string | null; action: string; ip: string | null; details: Record<string, unknown> }[]>;
}
