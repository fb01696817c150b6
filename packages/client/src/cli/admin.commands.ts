import { auditActorTypeSchema, errorCodes, auditLogQuerySchema, userRoleSchema, userStatusSchema, type AuditActorType } from "@tollgate/contracts";
import { InvalidArgumentError, type Command } from "commander";
import { TollgateError } from "../errors";
import type { CliAction } from "./cli-action";
import { CliUsageError } from "./cli-errors";
import { isUuid, parseField, parseUuid } from "./cli-arguments";
import type { CliContext } from "./cli-context";
import { auditLine, sessionLine, tokenLine, userDetailLines, userLine } from "./admin-output";
import { resolveUser } from "./admin-user-reference";

const USER = ["<user>", "the user's id, e-mail or username"] as const;

function parseLimit(value: string): number {
  const limit = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(limit >= 1 && limit <= 200)) throw new InvalidArgumentError("a limit is an integer from 1 to 200.");
  return limit;
}

/** The next page's command line, when there is one. */
function nextPage(ctx: CliContext, cursor: string | null, what: string): void {
  if (cursor) ctx.print(`more ${what}: repeat with --cursor ${cursor}`);
}

/** `tollgate admin …`: the administration commands (an admin account is needed; others are told so). */
export function addAdminCommands(program: Command, act: CliAction): void {
  const admin = program.command("admin").description("administer users, their sessions and tokens, and read the audit log (an admin account only)");

  admin
    .command("users")
    .description("list users, newest first (a page at a time)")
    .option("--search <text>", "the start of the e-mail or username")
    .option("--status <status>", "active or disabled", parseField(userStatusSchema))
    .option("--role <role>", "user or admin", parseField(userRoleSchema))
    .option("--limit <n>", "users per page (1-200, default 50)", parseLimit)
    .option("--cursor <cursor>", "the page after the one that printed it")
    .action(
      act(async (ctx, options: { search?: string; status?: "active" | "disabled"; role?: "user" | "admin"; limit?: number; cursor?: string }) => {
        const page = await ctx.client.admin.users(options);
        if (page.users.length === 0) ctx.print("no users");
        for (const user of page.users) ctx.print(userLine(user));
        nextPage(ctx, page.next_cursor, "users");
        return 0;
      }),
    );

  admin
    .command("user")
    .description("one user: the account, how they sign in, their sessions and tokens")
    .argument(...USER)
    .action(
      act(async (ctx, reference: string) => {
        const { id } = await resolveUser(ctx.client, reference);
        // Two services: the account is the auth service's, the tokens the token service's. One
        // being down still shows the other's part.
        const [detail, tokens] = await Promise.allSettled([ctx.client.admin.userDetail(id), ctx.client.admin.tokens({ userId: id })]);
        if (detail.status === "rejected") throw detail.reason;
        for (const line of userDetailLines(detail.value)) ctx.print(line);
        if (tokens.status === "rejected") {
          ctx.print(`tokens: unavailable (${tokens.reason instanceof TollgateError ? tokens.reason.code : String(tokens.reason)})`);
          return 1;
        }
        ctx.print(`tokens (${tokens.value.tokens.length}${tokens.value.next_cursor ? "+" : ""}):`);
        for (const token of tokens.value.tokens) ctx.print(`  ${tokenLine(token)}`);
        return 0;
      }),
    );

  admin
    .command("disable")
    .description("disable a user: their sessions end and their tokens are revoked")
    .argument(...USER)
    .action(
      act(async (ctx, reference: string) => {
        const user = await resolveUser(ctx.client, reference);
        await ctx.client.admin.disable(user.id);
        ctx.print(`${user.label} is disabled`);
        return 0;
      }),
    );

  admin
    .command("enable")
    .description("enable a disabled user (what the disable revoked stays revoked)")
    .argument(...USER)
    .action(
      act(async (ctx, reference: string) => {
        const user = await resolveUser(ctx.client, reference);
        await ctx.client.admin.enable(user.id);
        ctx.print(`${user.label} is enabled`);
        return 0;
      }),
    );

  admin
    .command("grant")
    .description("grant the admin role (takes effect at their next login or refresh); --remove takes it away and ends their sessions")
    .argument(...USER)
    .option("--remove", "remove the admin role instead")
    .action(
      act(async (ctx, reference: string, options: { remove?: boolean }) => {
        const user = await resolveUser(ctx.client, reference);
        const updated = await ctx.client.admin.setRole(user.id, options.remove ? "user" : "admin");
        ctx.print(options.remove ? `${updated.username} <${updated.email}> is not an admin (their sessions were ended)` : `${updated.username} <${updated.email}> is an admin`);
        return 0;
      }),
    );

  admin
    .command("sessions")
    .description("a user's live sessions; --revoke <id> ends one, --revoke-all ends them all")
    .argument(...USER)
    .option("--revoke <session-id>", "end this session", parseUuid("a session id", "tollgate admin sessions <user> lists them"))
    .option("--revoke-all", "end every session of the user")
    .action(
      act(async (ctx, reference: string, options: { revoke?: string; revokeAll?: boolean }) => {
        if (options.revoke && options.revokeAll) throw new CliUsageError("give --revoke <session-id> or --revoke-all, not both");
        const user = await resolveUser(ctx.client, reference);
        if (options.revokeAll) {
          const { revoked_sessions } = await ctx.client.admin.revokeSessions(user.id);
          ctx.print(`${revoked_sessions} session${revoked_sessions === 1 ? "" : "s"} of ${user.label} ended`);
          return 0;
        }
        const detail = await ctx.client.admin.userDetail(user.id);
        if (options.revoke) {
          if (!detail.sessions.some((session) => session.id === options.revoke)) throw new TollgateError(404, errorCodes.SESSION_NOT_FOUND, `${user.label} has no live session ${options.revoke}`);
          await ctx.client.admin.revokeSession(options.revoke);
          ctx.print(`session ${options.revoke} ended`);
          return 0;
        }
        if (detail.sessions.length === 0) ctx.print("no live sessions");
        for (const session of detail.sessions) ctx.print(sessionLine(session));
        return 0;
      }),
    );

  admin
    .command("revoke-token")
    .description("revoke any user's access token now, everywhere (ids: tollgate admin user <user>)")
    .argument("<token-id>", "the token's id", parseUuid("a token id", "tollgate admin user <user> lists them"))
    .option("--reason <text>", "why (kept with the token; default admin)")
    .action(
      act(async (ctx, tokenId: string, options: { reason?: string }) => {
        const token = await ctx.client.admin.revokeToken(tokenId, options.reason);
        ctx.print(`token ${token.id} of user ${token.user_id} is ${token.status}`);
        return 0;
      }),
    );

  admin
    .command("audit")
    .description("the audit log, newest first (a page at a time)")
    .option("--user <user>", "entries about this user (id, e-mail or username)")
    .option("--actor <actor>", "entries of actions by this user (id, e-mail or username), or by system or cli")
    .option("--action <action>", "one action, e.g. user_disabled", parseField(auditLogQuerySchema.shape.action))
    .option("--from <time>", "at or after this instant (RFC 3339, e.g. 2026-11-30T00:00:00Z)", parseField(auditLogQuerySchema.shape.from))
    .option("--to <time>", "before this instant (RFC 3339)", parseField(auditLogQuerySchema.shape.to))
    .option("--limit <n>", "entries per page (1-200, default 50)", parseLimit)
    .option("--cursor <cursor>", "the page after the one that printed it")
    .action(
      act(async (ctx, options: { user?: string; actor?: string; action?: string; from?: string; to?: string; limit?: number; cursor?: string }) => {
        const subject = options.user ? (await resolveUser(ctx.client, options.user)).id : undefined;
        const actorType = options.actor && auditActorTypeSchema.safeParse(options.actor).success ? (options.actor as AuditActorType) : undefined;
        const actorId = options.actor && !actorType ? (isUuid(options.actor) ? options.actor : (await resolveUser(ctx.client, options.actor)).id) : undefined;
        const page = await ctx.client.admin.auditLogs({ userId: subject, actorId, actorType, action: options.action, from: options.from, to: options.to, limit: options.limit ?? 50, cursor: options.cursor });
        if (page.entries.length === 0) ctx.print("no entries");
        for (const entry of page.entries) ctx.print(auditLine(entry));
        nextPage(ctx, page.next_cursor, "entries");
        return 0;
      }),
    );

  for (const command of admin.commands) command.helpOption("-h, --help", "show this help").showHelpAfterError(`(tollgate admin ${command.name()} --help shows its usage)`);
}
