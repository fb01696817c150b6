import { Readable, Writable } from "node:stream";
import { auditLogPageSchema, eventTypes } from "@tollgate/contracts";
import { createLogger } from "@tollgate/service-kit";
import { CaptureTransport } from "@tollgate/test-harness";
import { CREATE_ADMIN_EXIT, runCreateAdmin } from "../src/create-admin.command";
import { unitOfWork } from "../src/unit-of-work";
import { BootstrapAdminUseCase } from "../src/domain/admin-bootstrap.use-case";
import { isolatedDatabase } from "./admin-support";
import { call, Canaries, expectNoCanaryInLogs, startAuth, testEnv, type AuthFixture } from "./support";

/** A run of the command, in-process, with stdin from `input` (not a terminal). */
async function createAdmin(databaseUrl: string, args: string[], input = "") {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) => new Writable({ write: (chunk: Buffer, _encoding, done) => done(void into.push(chunk.toString())) });
  const code = await runCreateAdmin(args, {
    env: { ...testEnv("create-admin"), DATABASE_URL: databaseUrl, LOG_LEVEL: "info" },
    stdin: Readable.from([input]),
    stdout: sink(out),
    stderr: sink(err),
    operator: { osUser: "ops", host: "bastion-1" },
  });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

describe("the first admin without SQL: create-admin and BOOTSTRAP_ADMIN_EMAIL, each on an empty database of its own", () => {
  const canaries = new Canaries();
  const password = canaries.add("canary-first-admin-passphrase-q7");
  const database = isolatedDatabase();
  let fx: AuthFixture | undefined;

  afterAll(async () => {
    await fx?.close();
    await database.drop();
    if (fx) expectNoCanaryInLogs(canaries, fx.capture);
  });

  it("when create-admin runs on an empty database, then exactly one admin exists; run again it changes nothing; the audit log shows it once, by cli", async () => {
    const first = await createAdmin(database.url, ["--email", "Root.Ops@example.test", "--username", "rootops", "--password-stdin"], `${password}\n`);
    expect(first).toMatchObject({ code: CREATE_ADMIN_EXIT.ok, stderr: "" });
    expect(first.stdout).toMatch(/^created rootops <root\.ops@example\.test> \(id [0-9a-f-]{36}\) as an admin/);
    expect(first.stdout).not.toContain(password);

    const again = await createAdmin(database.url, ["--email", "root.ops@example.test"]);
    expect(again.code).toBe(CREATE_ADMIN_EXIT.ok);
    expect(again.stdout).toContain("is already an admin; nothing changed");

    fx = await startAuth({ DATABASE_URL: database.url });
    const users: { id: string; role: string; email: string }[] = await fx.knex("users").select("id", "role", "email");
    expect(users).toEqual([expect.objectContaining({ role: "admin", email: "root.ops@example.test" })]);
    // Created like a sign-up, so other services' user directories learn the name (game invitations).
    const registered: { payload: { type: string; data: unknown } }[] = await fx.knex("outbox").whereRaw("payload->>'type' = ?", [eventTypes.userRegistered]);
    expect(registered.map((row) => row.payload.data)).toEqual([{ user_id: users[0]?.id, username: "rootops", registered_at: expect.any(String) }]);
    const audit: { action: string; actor_type: string; actor_id: string | null; details: Record<string, unknown> }[] = await fx.knex("audit_logs").orderBy("action");
    expect(audit).toEqual([
      expect.objectContaining({ action: "register", actor_type: "cli", actor_id: null, details: { via: "create-admin", os_user: "ops", host: "bastion-1" } }),
      expect.objectContaining({ action: "role_granted", actor_type: "cli", actor_id: null, details: { role: "admin", via: "create-admin", os_user: "ops", host: "bastion-1" } }),
    ]);

    // The admin it made works: logs in with that password and reads the same two entries by actor type.
    const login = await call<{ access_token: string }>(fx, "POST", "/api/v1/auth/login", { body: { login: "rootops", password } });
    expect(login.status).toBe(200);
    canaries.addTokens(login.body);
    const page = auditLogPageSchema.parse((await call(fx, "GET", "/api/v1/admin/audit-logs?actor_type=cli", { token: login.body.access_token })).body);
    expect(page.entries.map((entry) => entry.action).sort()).toEqual(["register", "role_granted"]);
  });

  it("when create-admin names an existing account, then it becomes an admin once; an unknown one without a password, a weak password or a bad e-mail are refused", async () => {
    if (!fx) throw new Error("the first test makes the database");
    const user = { email: "grace@example.test", username: "grace", password: canaries.add("canary-grace-passphrase-w3") };
    expect((await call(fx, "POST", "/api/v1/auth/register", { body: user })).status).toBe(201);
    const promoted = await createAdmin(database.url, ["--email", "GRACE@example.test"]);
    expect(promoted.code).toBe(CREATE_ADMIN_EXIT.ok);
    expect(promoted.stdout).toContain("grace@example.test (grace, id");
    expect(promoted.stdout).toContain("is now an admin");
    expect(await fx.knex("users").where({ role: "admin" }).count<{ count: string }[]>("* as count")).toEqual([{ count: "2" }]);

    const noPassword = await createAdmin(database.url, ["--email", "nobody@example.test"]);
    expect(noPassword.code).toBe(CREATE_ADMIN_EXIT.usage);
    expect(noPassword.stderr).toContain("--password-stdin");
    const weak = await createAdmin(database.url, ["--email", "weak@example.test", "--password-stdin"], "password1234\n");
    expect(weak.code).toBe(CREATE_ADMIN_EXIT.failed);
    expect(weak.stderr).toContain("WEAK_PASSWORD");
    const reserved = await createAdmin(database.url, ["--email", "admin@example.test", "--password-stdin"], `${password}\n`);
    expect(reserved.code).toBe(CREATE_ADMIN_EXIT.usage);
    expect(reserved.stderr).toContain("pass --username");
    expect((await createAdmin(database.url, ["--email", "not-an-address"])).code).toBe(CREATE_ADMIN_EXIT.usage);
    expect((await createAdmin(database.url, [])).code).toBe(CREATE_ADMIN_EXIT.usage);
    expect(await fx.knex("users").whereIn("email", ["nobody@example.test", "weak@example.test", "admin@example.test"])).toEqual([]);
    const noDatabase = await runCreateAdmin(["--email", "x@example.test"], { env: {}, stdin: Readable.from([]), stdout: new Writable({ write: (_c, _e, done) => done() }), stderr: new Writable({ write: (_c, _e, done) => done() }) });
    expect(noDatabase).toBe(CREATE_ADMIN_EXIT.config);
  });

  it("when BOOTSTRAP_ADMIN_EMAIL names an account, then it is promoted only if verified and only while no enabled admin exists, once, audited as system", async () => {
    const other = isolatedDatabase();
    const capture = new CaptureTransport();
    const logger = createLogger({ service: "auth-test", level: "info", transports: [capture] });
    const own = await startAuth({ DATABASE_URL: other.url });
    try {
      const bootstrap = new BootstrapAdminUseCase({ uow: unitOfWork(own.knex, own.authEventsTopic), logger });
      expect(await bootstrap.execute("ops@example.test")).toEqual({ outcome: "not_found" });
      const account = { email: "ops@example.test", username: "opsperson", password: canaries.add("canary-ops-passphrase-z9") };
      const registered = await call<{ id: string }>(own, "POST", "/api/v1/auth/register", { body: account });
      expect(await bootstrap.execute("ops@example.test")).toEqual({ outcome: "unverified", userId: registered.body.id });
      await own.knex("users").where({ id: registered.body.id }).update({ email_verified_at: own.knex.fn.now() });
      expect(await bootstrap.execute("ops@example.test")).toEqual({ outcome: "promoted", userId: registered.body.id });
      expect(await bootstrap.execute("ops@example.test")).toEqual({ outcome: "admins_exist" });
      const grants = await own.knex("audit_logs").where({ action: "role_granted" });
      expect(grants).toEqual([expect.objectContaining({ user_id: registered.body.id, actor_type: "system", actor_id: null, details: { role: "admin", via: "BOOTSTRAP_ADMIN_EMAIL" } })]);

      // Demoted later while another admin exists: the next start does not promote it again.
      await own.knex("users").insert({ id: "00000000-0000-4000-8000-000000000001", email: "second@example.test", username: "second", role: "admin" });
      await own.knex("users").where({ id: registered.body.id }).update({ role: "user" });
      expect(await bootstrap.execute("ops@example.test")).toEqual({ outcome: "admins_exist" });
      expect((await own.knex("users").where({ id: registered.body.id }).first()).role).toBe("user");
      // Instances starting together promote once.
      await own.knex("users").where({ id: "00000000-0000-4000-8000-000000000001" }).update({ role: "user" });
      const outcomes = await Promise.all(Array.from({ length: 4 }, () => bootstrap.execute("OPS@example.test")));
      expect(outcomes.map((result) => result.outcome).sort()).toEqual(["admins_exist", "admins_exist", "admins_exist", "promoted"]);
      expect(await own.knex("audit_logs").where({ action: "role_granted" })).toHaveLength(2);
      expect(capture.lines.some((line) => line.includes("the account is now an admin") && !line.includes("ops@example.test"))).toBe(true);
    } finally {
      await own.close();
      await other.drop();
    }
  });
});
