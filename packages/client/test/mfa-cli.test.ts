import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startE2eStack, type E2eStack } from "@tollgate/test-harness";
import { MfaRequiredError, secondFactorProof, TollgateClient } from "../src";
import { closeAllTerminals, cliInTerminal } from "./support/cli-terminal";
import { totpCode } from "./support/totp-code";

/**
 * Two-factor sign-in as a person meets it: `tollgate mfa enable`, `tollgate login` asking for the
 * code, `tollgate mfa disable`, each in a terminal of its own, against every service behind the
 * real nginx gateway; and the SDK's side of the same flow.
 */
describe("two-factor sign-in through the CLI and the SDK", () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack();
  }, 180_000);

  afterEach(() => closeAllTerminals());

  afterAll(async () => {
    await stack?.stop();
  });

  const person = () => {
    const username = `mfa${randomUUID().slice(0, 8)}`;
    const env = { PATH: process.env.PATH ?? "", HOME: tmpdir(), TOLLGATE_URL: stack.gatewayUrl, TOLLGATE_HOME: mkdtempSync(path.join(tmpdir(), "tollgate-mfa-")), TOLLGATE_PASSWORD: `pass-${randomUUID()}` };
    return { username, env };
  };
  const piped = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(__dirname, "..", "src", "cli", "main.ts"), ...args], { env, encoding: "utf8", timeout: 60_000 });

  it("when a person turns on TOTP, then login asks for the code (or a recovery code, once), a script without a terminal is told why, and disable needs a code", async () => {
    const { username, env } = person();
    expect(piped(["register", `${username}@example.test`, username], env).status).toBe(0);
    expect(piped(["login", username], env).stdout).toContain(`logged in as ${username}`);

    const enable = cliInTerminal(["mfa", "enable"], env);
    const secret = (await enable.next(/key: ([A-Z2-7 ]+)\n/))[1]?.replace(/ /g, "") ?? "";
    await enable.next(`otpauth://totp/Tollgate:${username}?issuer=Tollgate&secret=${secret}&`);
    expect(enable.screen()).toMatch(/[▀▄█]{10}/);
    await enable.next("Code from your authenticator app:");
    enable.type("000000" === totpCode(secret, -1) ? "111111" : "000000");
    await enable.next("That code is wrong, expired or already used");
    await enable.next("Code from your authenticator app:");
    enable.type(totpCode(secret, -1));
    await enable.next(`Two-factor sign-in is on for ${username}`);
    const codes = [...(await enable.next(/not shown again\.\n((?: {2}\S+\n){10})/))[1]!.matchAll(/\S+/g)].map((match) => match[0]);
    expect(await enable.exited).toBe(0);
    expect(codes).toHaveLength(10);
    expect(piped(["mfa", "status"], env).stdout).toContain("two-factor sign-in is on");

    const script = piped(["login", username], env);
    expect(script.status).toBe(2);
    expect(script.stderr).toContain("This account signs in with a second factor: run tollgate login in a terminal");

    const withApp = cliInTerminal(["login", username], env);
    await withApp.next("Code from your authenticator app (or a recovery code):");
    withApp.type(totpCode(secret, 0));
    await withApp.next(`logged in as ${username}`);
    expect(await withApp.exited).toBe(0);
    expect(piped(["me"], env).stdout).toContain(username);

    const withRecovery = cliInTerminal(["login", username], env);
    await withRecovery.next("(or a recovery code):");
    withRecovery.type(codes[0] ?? "");
    await withRecovery.next(`logged in as ${username}`);
    expect(await withRecovery.exited).toBe(0);

    const reused = cliInTerminal(["login", username], env);
    await reused.next("(or a recovery code):");
    reused.type(codes[0] ?? "");
    await reused.next("That code is wrong, expired or already used");
    await reused.next("(or a recovery code):");
    reused.type(totpCode(secret, 1));
    await reused.next(`logged in as ${username}`);
    expect(await reused.exited).toBe(0);

    const disable = cliInTerminal(["mfa", "disable"], env);
    await disable.next("(or a recovery code):");
    disable.type(codes[1] ?? "");
    await disable.next("Two-factor sign-in is off");
    expect(await disable.exited).toBe(0);
    expect(piped(["mfa", "status"], env).stdout).toContain("two-factor sign-in is off");
    expect(piped(["login", username], env).stdout).toContain(`logged in as ${username}`);
  }, 120_000);

  it("when the SDK logs in to a two-factor account, then without a callback it rejects with the challenge, and with one it signs in", async () => {
    const client = new TollgateClient({ baseUrl: stack.gatewayUrl });
    const username = `sdk${randomUUID().slice(0, 8)}`;
    const password = `pass-${randomUUID()}`;
    await client.auth.register({ email: `${username}@example.test`, username, password });
    await client.auth.login(username, password);
    expect((await client.mfa.status()).totp).toBe("disabled");
    const { secret, otpauth_uri } = await client.mfa.enrolTotp();
    expect(otpauth_uri).toContain(`secret=${secret}`);
    const { recovery_codes } = await client.mfa.confirmTotp(totpCode(secret, -1));
    expect(await client.mfa.status()).toMatchObject({ totp: "enabled", recovery_codes_remaining: 10 });

    const other = new TollgateClient({ baseUrl: stack.gatewayUrl });
    const refused = await other.auth.login(username, password).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MfaRequiredError);
    const { challenge } = refused as MfaRequiredError;
    expect(challenge).toMatchObject({ status: "MFA_REQUIRED", methods: ["totp", "recovery_code"] });
    await expect(other.auth.me()).rejects.toMatchObject({ code: "NOT_LOGGED_IN" });
    expect((await other.auth.completeLogin(challenge.mfa_token, secondFactorProof(recovery_codes[0] ?? ""))).username).toBe(username);
    expect((await other.auth.me()).username).toBe(username);

    const third = new TollgateClient({ baseUrl: stack.gatewayUrl });
    const asked: string[] = [];
    const user = await third.auth.login(username, password, {
      secondFactor: async (shown) => {
        asked.push(shown.status);
        return secondFactorProof(totpCode(secret, 0));
      },
    });
    expect([user.username, asked]).toEqual([username, ["MFA_REQUIRED"]]);
    const newCodes = await third.mfa.regenerateRecoveryCodes(secondFactorProof(totpCode(secret, 1)));
    expect(newCodes.recovery_codes).toHaveLength(10);
    await expect(third.mfa.disable(secondFactorProof(recovery_codes[1] ?? ""))).rejects.toMatchObject({ status: 401, code: "INVALID_MFA_CODE" });
    await third.mfa.disable(secondFactorProof(newCodes.recovery_codes[0] ?? ""));
    expect((await third.mfa.status()).totp).toBe("disabled");
  });
});
