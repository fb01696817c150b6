import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { inTerminal, LOCAL_CA_FILE, personEnv, piped, TLS_GATEWAY } from "./support/cli-terminal";
import { repoRoot } from "./support/stack";

const VERSION = (JSON.parse(readFileSync(path.join(repoRoot, "packages", "client", "package.json"), "utf8")) as { version: string }).version;
const COMMANDS = ["register", "login", "logout", "me", "buy", "balance", "topup", "transactions", "receipt", "refund", "tokens", "revoke", "get", "connect", "play"];

/** A fresh person: a username and password nobody has used, and a TOLLGATE_HOME of their own. */
function person(name: string) {
  const username = `${name}${randomUUID().slice(0, 8)}`;
  return { username, email: `${username}@example.test`, password: `pass ${randomUUID()}`, env: personEnv() };
}

/** Registered and logged in through the CLI, as a script would (TOLLGATE_PASSWORD, no terminal). */
function signedIn(name: string) {
  const someone = person(name);
  const secret = { ...someone.env, TOLLGATE_PASSWORD: someone.password };
  for (const args of [["register", someone.email, someone.username], ["login", someone.username]]) {
    const run = piped(args, secret);
    if (run.status !== 0) throw new Error(`tollgate ${args[0]} failed: ${run.stderr}`);
  }
  return someone;
}

describe("the tollgate CLI in a terminal, against the npm start stack", () => {
  it("when a person registers, logs in, buys, gets, lists and revokes in a terminal, then passwords are never shown, register asks twice, and each step says what happened", async () => {
    const ada = person("ada");

    const register = inTerminal(["register", ada.email, ada.username], ada.env);
    await register.next("Choose a password");
    register.type(ada.password);
    await register.next("Type it again");
    register.type(`${ada.password} but different`);
    await register.next("The two passwords differ; once more.");
    await register.next("Choose a password");
    register.type(ada.password);
    await register.next("Type it again");
    register.type(ada.password);
    await register.next(`registered ${ada.username}`);
    expect(await register.exited).toBe(0);
    expect(register.raw()).not.toContain(ada.password);

    const login = inTerminal(["login", ada.username], ada.env);
    await login.next("Password:");
    login.type(ada.password);
    await login.next(`logged in as ${ada.username}`);
    expect(await login.exited).toBe(0);
    expect(login.raw()).not.toContain(ada.password);

    // The stack sells at real prices (infra/local/env/billing.env): money first, then buy says the price.
    expect(piped(["topup", "5", "--dev"], ada.env).status).toBe(0);
    const buy = inTerminal(["buy", "1"], ada.env);
    await buy.next(/A 1 h token costs \$\d+\.\d{2}\. Buy it\?/);
    buy.type("y");
    const [, id] = await buy.next(/token ([0-9a-f-]{36}) for 1 h/);
    const [token] = await buy.next(/[A-Za-z0-9_-]{64}/);
    expect(await buy.exited).toBe(0);

    const get = inTerminal(["get", "/headers"], ada.env);
    expect(await get.exited).toBe(0);
    const body = get.screen();
    expect(JSON.parse(body)).toMatchObject({ method: "GET", headers: { "x-token-id": id } });
    // On a terminal the prompt must start on a line of its own; on a pipe the body stays byte for byte.
    expect(get.raw().endsWith("}\r\n")).toBe(true);
    expect(piped(["get", "/headers", "--token", token ?? ""], ada.env).stdout.endsWith("}")).toBe(true);

    const tokens = inTerminal(["tokens"], ada.env);
    await tokens.next(new RegExp(`${id}\\s+1 h\\s+active`));
    expect(await tokens.exited).toBe(0);

    const revoke = inTerminal(["revoke", id ?? ""], ada.env);
    await revoke.next(`token ${id} is revoked`);
    expect(await revoke.exited).toBe(0);

    const refused = inTerminal(["get", "/headers", "--token", token ?? ""], ada.env);
    await refused.next("Your access token was revoked");
    expect(await refused.exited).toBe(1);
  });

  it.each(COMMANDS)("when a person asks for %s --help, then it shows that command's usage and exits 0 without asking for anything", async (command) => {
    const help = inTerminal([command, "--help"], personEnv());
    await help.next(`Usage: tollgate ${command}`);
    expect(await help.exited).toBe(0);
    expect(help.screen()).not.toMatch(/Password|not logged in/);
  });

  it("when a person asks for connect --help, then the port's default is stated once", async () => {
    const help = inTerminal(["connect", "--help"], personEnv());
    expect(await help.exited).toBe(0);
    expect(help.screen().match(/default/g)).toHaveLength(2); // --port's and --token's, one each
    expect(help.screen()).toMatch(/--port <port> +local port, 0 to 65535; 0 takes any free one \(default: 0\)/);
  });

  it("when a person asks for tollgate --help, then every command is listed and it exits 0", async () => {
    const help = inTerminal(["--help"], personEnv());
    expect(await help.exited).toBe(0);
    for (const command of COMMANDS) expect(help.screen()).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    expect(help.screen()).toContain("TOLLGATE_CA_FILE");
  });

  it("when a person asks for --version, then the client package's version is printed", async () => {
    const version = inTerminal(["--version"], personEnv());
    expect(await version.exited).toBe(0);
    expect(version.screen()).toBe(`${VERSION}\n`);
  });

  it("when a person runs npx tollgate in the repository, then npm finds the command (its bin is committed, not built)", () => {
    expect(execFileSync("npx", ["--no-install", "tollgate", "--version"], { cwd: repoRoot, encoding: "utf8" })).toBe(`${VERSION}\n`);
  });

  it("when a person types an unknown command or option, then it is named, and the exit status is 2", async () => {
    const command = inTerminal(["frobnicate"], personEnv());
    await command.next("error: unknown command 'frobnicate'");
    expect(await command.exited).toBe(2);
    const option = inTerminal(["tokens", "--everything"], personEnv());
    await option.next("error: unknown option '--everything'");
    expect(await option.exited).toBe(2);
  });

  it("when a value is malformed (a token id, a game id, a port, TOLLGATE_URL), then it is named and the exit status is 2, before anything is asked or sent", () => {
    const env = personEnv();
    const revoke = piped(["revoke", "not-a-uuid"], env);
    expect([revoke.status, revoke.stdout]).toEqual([2, ""]);
    expect(revoke.stderr).toContain("a token id is a UUID");
    expect(revoke.stderr).not.toContain("Not found");
    const join = piped(["play", "--join", "12"], env);
    expect([join.status, join.stderr.includes("a game id is a UUID")]).toEqual([2, true]);
    for (const port of ["abc", "65536", "-1", "3.5"]) {
      const connect = piped(["connect", "--port", port], env);
      expect([port, connect.status, connect.stderr.includes("a port is an integer from 0 to 65535")]).toEqual([port, 2, true]);
    }
    const escape = piped(["get", "/../../tokens/my-tokens", "--token", "a".repeat(64)], env);
    expect([escape.status, escape.stderr.includes('must not hold "." or ".." segments')]).toEqual([2, true]);
    const ftp = piped(["tokens"], { ...env, TOLLGATE_URL: "ftp://127.0.0.1:8080" });
    expect(ftp.status).toBe(2);
    expect(ftp.stderr).toContain("TOLLGATE_URL: must be the gateway's http or https URL");
    expect(ftp.stderr).not.toContain("Cannot reach Tollgate");
  });

  it("when register is given an e-mail or username the service would refuse, then the CLI names it and exits 2 without asking for a password", async () => {
    const email = inTerminal(["register", "notanemail", "ada"], personEnv());
    await email.next("is invalid for argument 'email'. Invalid email address");
    expect(await email.exited).toBe(2);
    const username = inTerminal(["register", "ada@example.test", "x"], personEnv());
    await username.next("is invalid for argument 'username'. Too small");
    expect(await username.exited).toBe(2);
    const spaced = piped(["register", "ada@example.test", "a da"], personEnv({ TOLLGATE_PASSWORD: "a long enough password" }));
    expect([spaced.status, spaced.stderr.includes("may contain only letters, digits, '_' and '-'")]).toEqual([2, true]);
    for (const run of [email, username]) expect(run.screen()).not.toContain("password");
  });

  it("when get is answered with a non-2xx status, then the body goes to stdout as sent, one line on stderr says the status, and the exit status is 1", () => {
    const fay = signedIn("fay");
    expect(piped(["topup", "5", "--dev"], fay.env).status).toBe(0);
    expect(piped(["buy", "1", "--yes"], fay.env).status).toBe(0);
    const ok = piped(["get", "/headers"], fay.env);
    const missing = piped(["get", "/nope"], fay.env);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe("GET /nope: 404 Not Found\n");
    expect(missing.stdout.length).toBeGreaterThan(0);
    expect([ok.status, ok.stderr]).toEqual([0, ""]);
  });

  it("when connect is asked for a port another program listens on, then it says the port is taken and exits 1", async () => {
    const eve = signedIn("eve");
    expect(piped(["topup", "5", "--dev"], eve.env).status).toBe(0);
    expect(piped(["buy", "1", "--yes"], eve.env).status).toBe(0);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as { port: number };
    try {
      const connect = piped(["connect", "--port", String(port)], eve.env);
      expect(connect.status).toBe(1);
      expect(connect.stderr).toContain(`Port ${port} is taken`);
      expect(connect.stderr).not.toContain("EADDRINUSE");
    } finally {
      taken.close();
    }
  });

  it("when two people play through tollgate play, one naming the other by username and the other joining by id, then a move out of turn is refused aloud, a reconnect brings back 'your move', and the game is played to a win", async () => {
    const ann = signedIn("ann");
    const ben = signedIn("ben");
    const annPlays = inTerminal(["play", "--opponent", ben.username.toUpperCase()], ann.env);
    const [, gameId] = await annPlays.next(/game ([0-9a-f-]{36}) created/);
    let benPlays = inTerminal(["play", "--join", gameId ?? ""], ben.env);
    try {
      await annPlays.next("your move (column 1-7)");
      await benPlays.next("waiting for the opponent's move");
      // Ben types on Ann's turn: told so, and nothing is played.
      benPlays.type("5");
      await benPlays.next(`not your turn — waiting for ${ann.username}`);

      // Ann always drops in column 1, Ben in column 2: Ann connects four on her fourth move.
      annPlays.type("1");
      await benPlays.next("your move");
      benPlays.type("2");
      await annPlays.next("your move");

      // Ben's terminal closes on Ann's turn; he comes back within the grace period.
      benPlays.close();
      await benPlays.exited;
      await annPlays.next(/opponent disconnected; they forfeit at .+ unless they return\s+your move/);
      benPlays = inTerminal(["play", "--join", gameId ?? ""], ben.env);
      // Ann is shown the board again (her piece is X to her), then whose move it is.
      await annPlays.next(/opponent is back\n\n(?:.*\n)*?\| X O \. \. \. \. \. \|\n(?:.*\n)*?your move \(column 1-7\)/);
      // Back in, Ben sees the board as he left it (his pieces are X to him) and whose move it is.
      await benPlays.next(/\| O X \. \. \. \. \. \|[\s\S]*waiting for the opponent's move/);

      for (const turn of [3, 4, 5, 6]) {
        const [mover, other, column] = turn % 2 === 1 ? [annPlays, benPlays, "1"] : [benPlays, annPlays, "2"];
        mover.type(column);
        await other.next("your move");
      }
      annPlays.type("1");
      await annPlays.next("game over: you won\n");
      // Joining by id, Ben's side learns Ann's name from the game (the service's user directory).
      await benPlays.next(`game over: you lost: ${ann.username} won\n`);
      expect(await annPlays.exited).toBe(0);
      expect(await benPlays.exited).toBe(0);
      expect(annPlays.screen()).toContain(`game ${gameId} created for ${ben.username}`);
    } finally {
      annPlays.close();
      benPlays.close();
    }
  }, 120_000);

  it("when a person names an opponent nobody is called, then the CLI says so and exits 2 without creating a game", async () => {
    const cid = signedIn("cid");
    const play = inTerminal(["play", "--opponent", "nobody_by_that_name"], cid.env);
    await play.next('No user is named "nobody_by_that_name"');
    expect(await play.exited).toBe(2);
    expect(play.screen()).not.toContain("created");
  });

  it("when TOLLGATE_URL is the gateway's https listener and TOLLGATE_CA_FILE its local CA, then the CLI works over TLS; without the CA it refuses the certificate, exits 1 and says what to set", async () => {
    const dee = person("dee");
    const env = { ...dee.env, TOLLGATE_URL: TLS_GATEWAY, TOLLGATE_PASSWORD: dee.password };
    const untrusted = inTerminal(["register", dee.email, dee.username], env);
    await untrusted.next("The gateway's certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)");
    await untrusted.next("TOLLGATE_CA_FILE");
    expect(await untrusted.exited).toBe(1);

    const trusted = { ...env, TOLLGATE_CA_FILE: LOCAL_CA_FILE };
    expect(piped(["register", dee.email, dee.username], trusted).status).toBe(0);
    expect(piped(["login", dee.username], trusted).stdout).toBe(`logged in as ${dee.username}\n`);
    const me = inTerminal(["me"], trusted);
    await me.next(`${dee.username} <${dee.email}>`);
    expect(await me.exited).toBe(0);
  });
});
