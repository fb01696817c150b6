import { randomBytes, randomUUID } from "node:crypto";
import { adminUserDetailSchema, adminUserPageSchema, errorBodySchema, type AdminUserPage } from "@tollgate/contracts";
import { auditRows, loggedInAdmin } from "./admin-support";
import { call, Canaries, expectNoCanaryInLogs, registerAndLogin, startAuth, type AuthFixture } from "./support";

/** `YYYY-MM-DDTHH:MM:SS.ffffffZ` for a number of microseconds since the epoch. */
const microsecondsIso = (us: bigint): string => `${new Date(Number(us / 1000n)).toISOString().slice(0, 19)}.${(us % 1_000_000n).toString().padStart(6, "0")}Z`;

describe("admin: list, search and read users", () => {
  const canaries = new Canaries();
  let fx: AuthFixture;
  let admin: Awaited<ReturnType<typeof loggedInAdmin>>;
  let user: Awaited<ReturnType<typeof registerAndLogin>>;
  const prefix = `pg${randomBytes(4).toString("hex")}`;
  const inserted: string[] = [];

  beforeAll(async () => {
    fx = await startAuth();
    admin = await loggedInAdmin(fx, canaries);
    user = await registerAndLogin(fx, canaries, { "user-agent": "admin-test-agent/1.0" });
    // 250 users crowded into 50 microseconds on purpose: runs of five share a timestamp to the
    // microsecond (the id breaks the tie) and runs sit a microsecond apart, so page boundaries land
    // inside ties and between neighbours that a millisecond-precision cursor would confuse.
    const base = BigInt(Date.now() - 3_600_000) * 1000n;
    const rows = Array.from({ length: 250 }, (_, i) => {
      const id = randomUUID();
      inserted.push(id);
      return {
        id,
        email: `${prefix}-${i}@example.test`,
        username: `${prefix}_${i}`,
        password_hash: null,
        role: i % 100 === 7 ? "admin" : "user",
        created_at: microsecondsIso(base + BigInt(Math.floor(i / 5))),
        disabled_at: i % 25 === 3 ? new Date() : null,
      };
    });
    await fx.knex("users").insert(rows);
  });

  afterAll(async () => {
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  const list = (token: string, query: string) => call<AdminUserPage>(fx, "GET", `/api/v1/admin/users?${query}`, { token });

  it("when an admin pages through 250 users with a cursor while new ones register, then every user comes exactly once, in order, and the newcomers do not shift the pages", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: Awaited<ReturnType<typeof list>> = await list(admin.token, `search=${prefix}&limit=23${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.status).toBe(200);
      const page = adminUserPageSchema.parse(response.body);
      seen.push(...page.users.map((listed) => listed.id));
      cursor = page.next_cursor;
      pages++;
      // Newer than every page so far: they belong before the first page, never on a later one.
      if (pages === 3) {
        await fx.knex("users").insert(Array.from({ length: 5 }, (_, i) => ({ id: randomUUID(), email: `${prefix}-late${i}@example.test`, username: `${prefix}_late${i}`, password_hash: null })));
      }
    } while (cursor !== null && pages < 50);

    expect(pages).toBe(Math.ceil(250 / 23));
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...inserted].sort());
    const expected: { id: string }[] = await fx.knex("users").select("id").whereIn("id", inserted).orderBy([{ column: "created_at", order: "desc" }, { column: "id", order: "desc" }]);
    expect(seen).toEqual(expected.map((row) => row.id));
    // The next reader starts with the newcomers.
    expect(adminUserPageSchema.parse((await list(admin.token, `search=${prefix}&limit=5`)).body).users.map((listed) => listed.username).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `${prefix}_late${i}`));
  });

  it("when an admin searches by a prefix, then it matches the start of the e-mail or the username, case-insensitively, with '_' and '%' taken literally", async () => {
    const byEmail = adminUserPageSchema.parse((await list(admin.token, `search=${prefix.toUpperCase()}-1&limit=200`)).body);
    // prefix-1, prefix-10..19, prefix-100..199: the e-mails only (usernames have '_').
    expect(byEmail.users).toHaveLength(111);
    expect(byEmail.users.every((listed) => listed.email.startsWith(`${prefix}-1`))).toBe(true);
    const byUsername = adminUserPageSchema.parse((await list(admin.token, `search=${prefix}_1&limit=200`)).body);
    expect(byUsername.users).toHaveLength(111);
    expect(byUsername.users.every((listed) => listed.username.startsWith(`${prefix}_1`))).toBe(true);
    expect(adminUserPageSchema.parse((await list(admin.token, `search=${prefix}%25`)).body).users).toEqual([]);
  });

  it("when an admin filters by status and role, then only matching users come, with their status and role", async () => {
    const disabled = adminUserPageSchema.parse((await list(admin.token, `search=${prefix}&status=disabled&limit=200`)).body);
    expect(disabled.users).toHaveLength(10);
    expect(disabled.users.every((listed) => listed.status === "disabled" && listed.disabled_at !== null)).toBe(true);
    const admins = adminUserPageSchema.parse((await list(admin.token, `search=${prefix}&role=admin&status=active&limit=200`)).body);
    expect(admins.users.map((listed) => listed.username).sort()).toEqual([`${prefix}_107`, `${prefix}_207`, `${prefix}_7`]);
    expect(admins.next_cursor).toBeNull();
  });

  it("when the list is read, then the audit log has users_listed with the admin as actor and the search", async () => {
    const marker = `${prefix}-audit`;
    expect((await list(admin.token, `search=${marker}`)).status).toBe(200);
    const rows = (await auditRows(fx, { userId: null, action: "users_listed", actorId: admin.userId })).filter((row) => row.details.search === marker);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_type: "user", details: { search: marker, first_page: true, returned: 0 } });
    expect(rows[0]?.ip).toBeTruthy();
  });

  it("when an admin reads a user, then the account, its sessions with their user agent, and has_password come back, and user_viewed is audited", async () => {
    const response = await call(fx, "GET", `/api/v1/admin/users/${user.userId}`, { token: admin.token });
    expect(response.status).toBe(200);
    const detail = adminUserDetailSchema.parse(response.body);
    expect(detail.user).toMatchObject({ id: user.userId, email: user.account.email, username: user.account.username, role: "user", status: "active", disabled_at: null });
    expect(detail.has_password).toBe(true);
    expect(detail.identities).toEqual([]);
    expect(detail.sessions).toHaveLength(1);
    expect(detail.sessions[0]).toMatchObject({ user_agent: "admin-test-agent/1.0" });
    expect(await auditRows(fx, { userId: user.userId, action: "user_viewed" })).toEqual([expect.objectContaining({ actor_id: admin.userId, actor_type: "user" })]);
  });

  it("when a user (not an admin) calls list or read, then 403; an unknown user and a malformed id are 404 USER_NOT_FOUND, malformed input 422", async () => {
    expect((await list(user.tokens.access_token, "")).status).toBe(403);
    expect((await call(fx, "GET", `/api/v1/admin/users/${user.userId}`, { token: user.tokens.access_token })).status).toBe(403);
    expect((await call(fx, "GET", "/api/v1/admin/users")).status).toBe(401);
    const unknown = await call(fx, "GET", `/api/v1/admin/users/${randomUUID()}`, { token: admin.token });
    expect([unknown.status, unknown.body.error_code]).toEqual([404, "USER_NOT_FOUND"]);
    const malformed = await call(fx, "GET", "/api/v1/admin/users/not-a-uuid", { token: admin.token });
    expect([malformed.status, errorBodySchema.parse(malformed.body).error_code]).toEqual([404, "USER_NOT_FOUND"]);
    for (const query of ["limit=0", "limit=201", "status=gone", "role=root", "cursor=not-a-cursor", `cursor=${Buffer.from("[1,2]").toString("base64url")}`, "sort=name"]) {
      const refused = await list(admin.token, query);
      expect({ query, status: refused.status, code: (refused.body as unknown as { error_code: string }).error_code }).toEqual({ query, status: 422, code: "VALIDATION_ERROR" });
    }
  });
});
