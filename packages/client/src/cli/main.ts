#!/usr/bin/env node
import { createInterface } from "node:readline/promises";
import { durationHoursValues, type DurationHours } from "@tollgate/contracts";
import { isEndingTokenCode } from "../connector/access-watch";
import { TollgateError } from "../errors";
import { TollgateClient } from "../tollgate-client";
import { BoughtTokensFile } from "./bought-tokens-file";
import { loadCliConfig } from "./config";
import { connectCommand } from "./connect.command";
import { CredentialsFile } from "./credentials-file";
import { renderBoard } from "./connect-four-board";
import { describeError } from "./messages";
import { newestUsableToken } from "./newest-usable-token";
import { withProgress } from "./progress";

const USAGE = `tollgate — buy time-limited access, use it in your browser, and play Connect Four

  tollgate register <email> <username>     (asks for a password)
  tollgate login <username-or-email>       (asks for a password)
  tollgate logout
  tollgate me
  tollgate buy <hours>                     hours: ${durationHoursValues.join(", ")}; the token is remembered
  tollgate tokens [--active]
  tollgate revoke <token-id>
  tollgate get <path> [--token <token>]    GET through the proxy
  tollgate connect [--port N] [--open] [--token <token>]
                                           the application in your browser, through a local
                                           forwarder on 127.0.0.1 (port 0, the default: any free
                                           one); --open opens your browser; Ctrl-C stops it
  tollgate play [--opponent <user-id> | --join <game-id>]

  get and connect use --token, else TOLLGATE_ACCESS_TOKEN, else your newest remembered token
  that is not known to be revoked or expired.

  TOLLGATE_URL   the gateway (default http://127.0.0.1:8080)
  TOLLGATE_HOME  where your session and bought tokens are kept (default ~/.config/tollgate, files mode 0600)
  TOLLGATE_PASSWORD  password for register/login without a prompt (scripts)
  TOLLGATE_ACCESS_TOKEN  the access token for get and connect (scripts)`;

async function askPassword(prompt: string, given: string | undefined): Promise<string> {
  if (given) return given;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const answer = await rl.question(prompt);
  rl.close();
  return answer;
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}


async function run(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const config = loadCliConfig();
  const credentials = new CredentialsFile(config.credentialsFile);
  const client = new TollgateClient({ baseUrl: config.baseUrl, session: credentials });
  const tokens = new BoughtTokensFile(config.tokensFile);
  const print = (text: string) => process.stdout.write(`${text}\n`);
  const warn = (text: string) => process.stderr.write(`${text}\n`);
  /** --token, else TOLLGATE_ACCESS_TOKEN, else the newest remembered token that may still work. */
  const accessToken = async (): Promise<string | undefined> => option(args, "--token") ?? config.accessToken ?? (await newestUsableToken(tokens, client))?.token;
  const noToken = () => {
    warn("No access token: buy one (tollgate buy <hours>) or pass --token <token>. Tokens are shown once, at purchase.");
    return 2;
  };

  switch (command) {
    case "register": {
      const [email, username] = args;
      if (!email || !username) return usage();
      const user = await withProgress("registering", client.auth.register({ email, username, password: await askPassword("password: ", config.password) }));
      print(`registered ${user.username} (${user.id}); now run: tollgate login ${user.username}`);
      return 0;
    }
    case "login": {
      const [login] = args;
      if (!login) return usage();
      const user = await withProgress("logging in", client.auth.login(login, await askPassword("password: ", config.password)));
      print(`logged in as ${user.username}`);
      return 0;
    }
    case "logout":
      await client.auth.logout();
      print("logged out");
      return 0;
    case "me": {
      const me = await client.auth.me();
      print(`${me.username} <${me.email}> id ${me.id} role ${me.role}`);
      return 0;
    }
    case "buy": {
      const hours = Number(args[0]);
      if (!durationHoursValues.includes(hours as DurationHours)) {
        process.stderr.write(`hours must be one of ${durationHoursValues.join(", ")}\n`);
        return 2;
      }
      const bought = await withProgress("buying", client.tokens.purchase(hours as DurationHours));
      tokens.remember(bought);
      print(`token ${bought.id} for ${bought.duration_hours} h (the clock starts on first use):\n${bought.token}\nShown only once; remembered here for tollgate get and tollgate connect.`);
      return 0;
    }
    case "tokens": {
      const tokens = await client.tokens.list(args.includes("--active"));
      if (tokens.length === 0) print("no tokens");
      for (const token of tokens) print(`${token.id}  ${String(token.duration_hours).padStart(3)} h  ${token.status.padEnd(8)} ${token.expires_at ? `expires ${token.expires_at}` : ""}`);
      return 0;
    }
    case "revoke": {
      const [id] = args;
      if (!id) return usage();
      const token = await client.tokens.revoke(id);
      tokens.forget(token.id);
      print(`token ${token.id} is ${token.status}`);
      return 0;
    }
    case "get": {
      const [path] = args;
      if (!path) return usage();
      const token = await accessToken();
      if (!token) return noToken();
      const res = await client.proxy.fetch(token, path);
      if (!res.ok && res.headers.get("content-type")?.includes("application/json")) {
        const error = await TollgateError.fromResponse(res);
        if (isEndingTokenCode(error.code)) tokens.forget(token);
        throw error;
      }
      process.stdout.write(await res.text());
      return res.ok ? 0 : 1;
    }
    case "connect": {
      const port = option(args, "--port");
      if (args.includes("--port") && port === undefined) return usage();
      const token = await accessToken();
      if (!token) return noToken();
      return connectCommand({ gatewayUrl: config.baseUrl, token, tokens, print, warn }, { port: port === undefined ? 0 : /^\d+$/.test(port) ? Number(port) : Number.NaN, open: args.includes("--open") });
    }
    case "play":
      return play(client, args);
    default:
      return usage();
  }
}

async function play(client: TollgateClient, args: string[]): Promise<number> {
  const me = await client.auth.me();
  const joinId = option(args, "--join");
  const game = joinId ? await client.games.join(joinId) : await client.games.create(option(args, "--opponent"));
  if (!joinId) process.stdout.write(`game ${game.id} created; the other player runs: tollgate play --join ${game.id}\n`);
  const you: 1 | 2 = game.player1_id === me.id ? 1 : 2;
  // The creator waits for the opponent before taking a seat at the board.
  for (let current = game; current.status === "waiting"; current = await client.games.get(game.id)) {
    await withProgress("waiting for an opponent to join", new Promise((resolve) => setTimeout(resolve, 1_000)));
  }
  const socket = client.games.socket();
  await socket.connect();
  socket.join(game.id);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: false });
  let myTurn = false;
  socket.on("state", (state) => {
    myTurn = state.your_turn;
    const board = (state.state as { board?: number[][] }).board;
    // One write per state, so a reader sees the board and the prompt together.
    process.stdout.write(`${board ? `\n${renderBoard(board, you)}\n` : ""}${myTurn ? "your move (column 1-7): " : "waiting for the opponent…\n"}`);
  });
  socket.on("opponent_disconnected", (event) => process.stdout.write(`\nopponent disconnected; they forfeit at ${event.grace_until} unless they return\n`));
  socket.on("opponent_reconnected", () => process.stdout.write("\nopponent is back\n"));
  socket.on("server_error", (error) => process.stdout.write(`\n${error.message}\n${myTurn ? "your move (column 1-7): " : ""}`));
  const over = socket.next("over", () => true, 24 * 3600 * 1000);
  rl.on("line", (line) => {
    const column = Number(line.trim());
    if (!myTurn) return;
    if (!Number.isInteger(column) || column < 1 || column > 7) {
      process.stdout.write("a column from 1 to 7: ");
      return;
    }
    socket.act(game.id, { column: column - 1 });
  });
  const [result] = await over;
  const won = (result.result === "player1_won" && you === 1) || (result.result === "player2_won" && you === 2);
  process.stdout.write(`\ngame over: ${result.result === "draw" ? "draw" : won ? "you won" : "you lost"} (${result.reason})\n`);
  rl.close();
  socket.close();
  return 0;
}

function usage(): number {
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${describeError(error)}\n`);
    process.exit(1);
  },
);

