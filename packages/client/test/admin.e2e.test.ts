import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot, startE2eStack, testDatabaseUrl, waitFor, type E2eStack } from "@tollgate/test-harness";
import { TollgateClient, TollgateError } from "../src";

/**
 * Administration end to end: every service a process behind the nginx gateway (which sends
 * /api/v1/admin/tokens to the token service and the rest of /api/v1/admin/ to auth), the first
 * admin made with create-admin from the build as in a container, then the SDK and the CLI.
 */
describe("administration through the gateway: create-admin, the SDK's admin namespace and tollgate admin", () => {
  let stack: E2eStack;
  const run = randomUUID().slice(0, 8);
  const people = {
    admin: { username: `ops${run}`, email: `ops${run}@example.test`, password: `pass-${randomUUID()}` },
    user: { username: `usr${run}`, email: `usr${run}@example.test`, password: `pass-${randomUUID()}` },
  };
  const clients = { admin: undefined as unknown as TollgateClient, user: undefined as unknown as TollgateClient };
  let adminHome: string;
  let userHome: string;

  beforeAll(async () => {
    stack = await startE2eStack();
    for (const role of ["admin", "user"] as const) {
      clients[role] = new TollgateClient({ baseUrl: stack.gatewayUrl });
      await clients[role].auth.register(people[role]);
    }
    adminHome = mkdtempSync(path.join(tmpdir(), "tollgate-admin-"));
    userHome = mkdtempSync(path.join(tmpdir(), "tollgate-user-"));
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const cli = (home: string, args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(__dirname, "..", "src", "cli", "main.ts"), ...args], {
      env: { PATH: process.env.PATH ?? "", TOLLGATE_URL: stack.gatewayUrl, TOLLGATE_HOME: home, ...env },
      encoding: "utf8",
      timeout: 60_000,
    });

  it("when create-admin runs from the build with the service's DATABASE_URL, then the account is an admin at its next login; a second run changes nothing", () => {
    const createAdmin = () =>
      spawnSync(process.execPath, [path.join(repoRoot(), "services", "auth", "dist", "create-admin.js"), "--email", people.admin.email], {
        env: { PATH: process.env.PATH ?? "", DATABASE_URL: testDatabaseUrl("tollgate_auth_e2e_test") },
        encoding: "utf8",
        timeout: 60_000,
      });
    const first = createAdmin();
    expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: "" });
    expect(first.stdout).toContain(`${people.admin.email} (${people.admin.username}, id`);
    expect(first.stdout).toContain("is now an admin");
    const second = createAdmin();
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("is already an admin; nothing changed");
  });

  it("when the admin uses the SDK, then users, one user with sessions and tokens (two services), a token revocation and the audit log all work through the gateway; a user gets 403", async () => {
    await clients.admin.auth.login(people.admin.username, people.admin.password);
    await clients.user.auth.login(people.user.username, people.user.password);
    const bought = await clients.user.tokens.purchase(1);

    const found = await clients.admin.admin.users({ search: people.user.username });
    expect(found.users.map((user) => user.username)).toEqual([people.user.username]);
    const userId = found.users[0]!.id;
    const view = await clients.admin.admin.user(userId);
    expect(view.user).toMatchObject({ id: userId, role: "user", status: "active" });
    expect(view.sessions).toHaveLength(1);
    expect(view.tokens.map((token) => [token.id, token.status])).toEqual([[bought.id, "pending"]]);

    const revoked = await clients.admin.admin.revokeToken(bought.id, "e2e check");
    expect(revoked).toMatchObject({ status: "revoked", revoke_reason: "e2e check", user_id: userId });
    const refused = await waitFor(
      async () => {
        const res = await clients.user.proxy.fetch(bought.token, "/headers");
        return res.status === 401 ? res : undefined;
      },
      { timeoutMs: 10_000, what: "the revoked token to be refused" },
    );
    expect(((await refused.json()) as { error_code: string }).error_code).toBe("TOKEN_REVOKED");

    // The token service's audit records reach the auth service's log over Kafka.
    const entries = await waitFor(
      async () => {
        const page = await clients.admin.admin.auditLogs({ userId });
        const actions = page.entries.map((entry) => entry.action);
        return actions.includes("token_revoked") && actions.includes("tokens_listed") ? page.entries : undefined;
      },
      { timeoutMs: 20_000, what: "token_revoked and tokens_listed in the audit log" },
    );
    expect(entries.find((entry) => entry.action === "token_revoked")).toMatchObject({ actor_type: "user", details: { token_id: bought.id, reason: "e2e check", source: "/tollgate/token" } });
    expect(entries.find((entry) => entry.action === "user_viewed")?.actor_id).toBe((await clients.admin.auth.me()).id);

    for (const call of [() => clients.user.admin.users(), () => clients.user.admin.tokens({ userId })]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TollgateError);
      expect([(error as TollgateError).status, (error as TollgateError).code]).toEqual([403, "FORBIDDEN"]);
    }
  });

  it("when the admin runs tollgate admin users, user, sessions, disable, enable, grant and audit, then each says what happened; a user is told it needs an admin", () => {
    const admin = (args: string[]) => cli(adminHome, args);
    expect(cli(adminHome, ["login", people.admin.username], { TOLLGATE_PASSWORD: people.admin.password }).status).toBe(0);
    expect(cli(userHome, ["login", people.user.username], { TOLLGATE_PASSWORD: people.user.password }).status).toBe(0);

    const users = admin(["admin", "users", "--search", people.user.username.toUpperCase()]);
    expect(users.status).toBe(0);
    expect(users.stdout).toMatch(new RegExp(`${people.user.username}\\s+${people.user.email}\\s+user\\s+active`));

    const detail = admin(["admin", "user", people.user.email]);
    expect(detail.status).toBe(0);
    expect(detail.stdout).toContain(`${people.user.username} <${people.user.email}>`);
    expect(detail.stdout).toMatch(/sessions \(\d+\):/);
    expect(detail.stdout).toMatch(/tokens \(1\):\n {2}[0-9a-f-]{36}\s+1 h\s+revoked\s+at \S+ \(e2e check\)/);

    const sessions = admin(["admin", "sessions", people.user.username]);
    expect(sessions.status).toBe(0);
    const sessionId = /^([0-9a-f-]{36}) {2}last used/m.exec(sessions.stdout)?.[1];
    expect(sessionId).toBeDefined();
    expect(admin(["admin", "sessions", people.user.username, "--revoke", sessionId ?? ""]).stdout).toContain(`session ${sessionId} ended`);
    expect(cli(userHome, ["me"]).stderr).toContain("Your session has ended");

    expect(admin(["admin", "disable", people.user.username]).stdout).toContain("is disabled");
    const refusedLogin = cli(userHome, ["login", people.user.username], { TOLLGATE_PASSWORD: people.user.password });
    expect(refusedLogin.status).toBe(1);
    expect(admin(["admin", "enable", people.user.username]).stdout).toContain("is enabled");
    expect(cli(userHome, ["login", people.user.username], { TOLLGATE_PASSWORD: people.user.password }).status).toBe(0);

    expect(admin(["admin", "grant", people.user.username]).stdout).toContain("is an admin");
    expect(admin(["admin", "grant", people.user.username, "--remove"]).stdout).toContain("is not an admin (their sessions were ended)");

    const audit = admin(["admin", "audit", "--user", people.user.username, "--limit", "200"]);
    expect(audit.status).toBe(0);
    for (const action of ["role_removed", "role_granted", "user_enabled", "user_disabled", "admin_session_revoked", "token_revoked", "register"]) expect(audit.stdout).toContain(action);
    const byCli = admin(["admin", "audit", "--actor", "cli", "--action", "role_granted"]);
    expect(byCli.stdout).toMatch(/role_granted\s+by cli/);

    // Their sessions ended with the role: logged in again, they are a user.
    expect(cli(userHome, ["login", people.user.username], { TOLLGATE_PASSWORD: people.user.password }).status).toBe(0);
    const notAdmin = cli(userHome, ["admin", "users"]);
    expect(notAdmin.status).toBe(1);
    expect(notAdmin.stderr).toContain("That needs an admin account");
    expect(admin(["admin", "users", "--status", "gone"]).status).toBe(2);
    expect(admin(["admin", "user", "nobody-by-this-name"]).stderr).toContain("No such user");
  });
});
