import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startE2eStack, waitFor, type E2eStack } from "@tollgate/test-harness";
import { TollgateClient, TollgateError } from "../src";

const password = () => `pass-${randomUUID()}`;

async function signedIn(stack: E2eStack, name: string) {
  const client = new TollgateClient({ baseUrl: stack.gatewayUrl });
  const username = `${name}${randomUUID().slice(0, 8)}`;
  const secret = password();
  await client.auth.register({ email: `${username}@example.test`, username, password: secret });
  await client.auth.login(username, secret);
  return { client, username };
}

describe("end to end, every service a process behind the nginx gateway, through the SDK", () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack();
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("when a user buys access, then the proxy serves the upstream over HTTP and WebSocket until the token is revoked", async () => {
    const { client } = await signedIn(stack, "buyer");
    const me = await client.auth.me();
    const bought = await client.tokens.purchase(1);

    const res = await client.proxy.fetch(bought.token, "/headers");
    expect(res.status).toBe(200);
    const seen = (await res.json()) as { headers: Record<string, string> };
    expect(seen.headers["x-user-id"]).toBe(me.id);
    expect(seen.headers["x-access-token"]).toBeUndefined();

    const socket = client.proxy.websocket(bought.token, "/ws/echo");
    const messages: string[] = [];
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    socket.on("message", (data) => messages.push(data.toString()));
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    socket.send("through the gateway");
    await waitFor(() => messages.includes("through the gateway"), { what: "the echo through gateway and proxy" });

    expect((await client.tokens.list(true)).map((token) => token.status)).toEqual(["active"]);
    await client.tokens.revoke(bought.id);
    expect(await closed).toBe(4401);
    const refused = await waitFor(
      async () => {
        const next = await client.proxy.fetch(bought.token, "/headers");
        return next.status === 401 ? next : undefined;
      },
      { timeoutMs: 10_000, what: "the revoked token to be refused" },
    );
    expect(((await refused.json()) as { error_code: string }).error_code).toBe("TOKEN_REVOKED");
  });

  it("when two players play Connect Four to the end, then both see every state and the result; logout closes the socket", async () => {
    const alice = await signedIn(stack, "alice");
    const bob = await signedIn(stack, "bob");
    const bobId = (await alice.client.users.byUsername(bob.username.toUpperCase())).id;
    expect(bobId).toBe((await bob.client.auth.me()).id);
    const game = await alice.client.games.create(bobId);
    await bob.client.games.join(game.id);
    expect((await bob.client.games.list("active")).map((listed) => listed.id)).toEqual([game.id]);

    const aliceSocket = alice.client.games.socket({ reconnect: false });
    const bobSocket = bob.client.games.socket({ reconnect: false });
    await aliceSocket.connect();
    await bobSocket.connect();
    const aliceStates: number[] = [];
    const bobStates: number[] = [];
    aliceSocket.on("state", (state) => aliceStates.push(state.version));
    bobSocket.on("state", (state) => bobStates.push(state.version));
    aliceSocket.join(game.id);
    bobSocket.join(game.id);
    await waitFor(() => aliceStates.length > 0 && bobStates.length > 0, { what: "both players' first state" });

    // Alice stacks column 0, Bob column 1: Alice connects four vertically on her fourth move.
    const over = Promise.all([aliceSocket.next("over"), bobSocket.next("over")]);
    for (let turn = 0; turn < 7; turn++) {
      const mover = turn % 2 === 0 ? aliceSocket : bobSocket;
      const seen = turn % 2 === 0 ? aliceStates : bobStates;
      await waitFor(() => seen.includes(turn) && aliceStates.includes(turn) && bobStates.includes(turn), { what: `version ${turn} on both sides` });
      mover.act(game.id, { column: turn % 2 === 0 ? 0 : 1 });
    }
    const [[aliceOver], [bobOver]] = await over;
    expect(aliceOver.result).toBe("player1_won");
    expect(bobOver.result).toBe("player1_won");
    expect((await alice.client.games.get(game.id)).status).toBe("finished");

    const closed = bobSocket.next("closed", () => true, 20_000);
    const loggedOutAt = performance.now();
    await bob.client.auth.logout();
    const [{ code }] = await closed;
    console.log(`logout → game socket closed: ${(performance.now() - loggedOutAt).toFixed(0)} ms`);
    expect(code).toBe(4401);
    await expect(bob.client.auth.me()).rejects.toBeInstanceOf(TollgateError);
    aliceSocket.close();
  });

  it("when one service dies, then only its routes answer 503 in the standard body", async () => {
    stack.kill("game-realtime");
    const { client } = await signedIn(stack, "carol");
    const failure = await client.games.list().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TollgateError);
    expect((failure as TollgateError).status).toBe(503);
    expect((failure as TollgateError).code).toBe("SERVICE_UNAVAILABLE");
    expect((failure as TollgateError).requestId).toBeTruthy();
    await expect(client.tokens.list()).resolves.toEqual([]);
    const health = await fetch(`${stack.gatewayUrl}/health`);
    expect(health.status).toBe(503);
  });
});

describe("the tollgate CLI against the same kind of stack", () => {
  let stack: E2eStack;
  let home: string;

  beforeAll(async () => {
    stack = await startE2eStack();
    home = mkdtempSync(path.join(tmpdir(), "tollgate-cli-"));
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const cli = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(__dirname, "..", "src", "cli", "main.ts"), ...args], {
      env: { PATH: process.env.PATH ?? "", TOLLGATE_URL: stack.gatewayUrl, TOLLGATE_HOME: home, ...env },
      encoding: "utf8",
      timeout: 60_000,
    });

  it("when a person registers, logs in, buys, fetches through the proxy and revokes, then each step says what happened", () => {
    const username = `cli${randomUUID().slice(0, 8)}`;
    const secret = { TOLLGATE_PASSWORD: password() };
    expect(cli(["register", `${username}@example.test`, username], secret).stdout).toContain(`registered ${username}`);
    expect(cli(["login", username], secret).stdout).toContain(`logged in as ${username}`);
    expect(statSync(path.join(home, "credentials.json")).mode & 0o777).toBe(0o600);
    expect(cli(["me"]).stdout).toContain(username);

    const bought = cli(["buy", "1"]);
    const token = /^([A-Za-z0-9_-]{64})$/m.exec(bought.stdout)?.[1];
    const id = /token ([0-9a-f-]{36})/.exec(bought.stdout)?.[1];
    expect(token).toBeDefined();
    const fetched = cli(["get", "/headers", "--token", token ?? ""]);
    expect(fetched.status).toBe(0);
    expect(fetched.stdout).toContain("x-user-id");
    expect(cli(["tokens"]).stdout).toMatch(/active/);
    expect(cli(["revoke", id ?? ""]).stdout).toContain("revoked");
    const refused = cli(["get", "/headers", "--token", token ?? ""]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("Your access token was revoked");
    expect(cli(["buy", "2"]).stderr).toContain("hours must be one of");
    expect(cli(["logout"]).stdout).toContain("logged out");
    expect(cli(["me"]).stderr).toContain("You are not logged in");
  });

  it("when two people run tollgate play, then they play Connect Four to the end in their terminals", async () => {
    const players = await Promise.all(
      ["ann", "ben"].map(async (name) => {
        const playerHome = mkdtempSync(path.join(tmpdir(), `tollgate-${name}-`));
        const username = `${name}${randomUUID().slice(0, 8)}`;
        const env = { TOLLGATE_HOME: playerHome, TOLLGATE_PASSWORD: password() };
        expect(cli(["register", `${username}@example.test`, username], env).status).toBe(0);
        expect(cli(["login", username], env).status).toBe(0);
        expect(cli(["me"], env).stdout).toContain(username);
        return { env, username };
      }),
    );
    const [ann, ben] = players as [(typeof players)[number], (typeof players)[number]];
    const play = (args: string[], env: Record<string, string>, column: string) => {
      const child = spawn(process.execPath, [require.resolve("tsx/cli"), path.join(__dirname, "..", "src", "cli", "main.ts"), "play", ...args], {
        env: { PATH: process.env.PATH ?? "", TOLLGATE_URL: stack.gatewayUrl, ...env },
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        const text = chunk.toString();
        output += text;
        // Ann always drops in column 1, Ben in column 2: Ann connects four on her fourth move.
        if (text.includes("your move") && text.includes("| ")) child.stdin.write(`${column}\n`);
      });
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      return { child, output: () => output, exited };
    };
    const annGame = play(["--opponent", ben.username], ann.env, "1");
    const gameId = await waitFor(() => /game ([0-9a-f-]{36}) created/.exec(annGame.output())?.[1], { timeoutMs: 30_000, what: "ann's game" });
    const benGame = play(["--join", gameId], ben.env, "2");
    expect(await annGame.exited).toBe(0);
    expect(await benGame.exited).toBe(0);
    expect(annGame.output()).toContain("game over: you won");
    expect(benGame.output()).toContain("game over: you lost");
    expect(annGame.output()).toContain("| X . . . . . . |");
  }, 90_000);
});
