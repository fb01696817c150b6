/**
 * bench/jwt-verifier: requests/s of one JWT-protected express route (`requireUser` on the app every
 * service starts from), behind the hand-written verifier we had and behind the jose-based one, in
 * the same run, in alternating rounds so that a busy machine penalises both alike.
 *
 *   cd packages/service-kit && npx tsx bench/jwt-verifier.bench.ts
 *   BENCH_ROUNDS=8 BENCH_SECONDS=5 BENCH_CONNECTIONS=16 BENCH_OLD_REF=<commit> …
 *
 * The old implementation is not kept in the tree: its two files are read from git at
 * BENCH_OLD_REF (the last commit before jose), written to a temporary folder here and loaded from
 * there. The load comes from a child process over keep-alive connections; besides requests/s the
 * bench reports this process's CPU time per request, which a machine busy with other work skews less.
 */
import { execFile, execFileSync } from "node:child_process";
import { generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { authenticatedUser, createHttpApp, createLogger, listen, requireUser, JwksKeyStore, JwtVerifier } from "../src";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const OLD_REF = process.env.BENCH_OLD_REF ?? "6b82450";

type Verifier = Pick<JwtVerifier, "verifyAccessToken" | "verifyServiceToken">;
type VerifierFactory = (fetchJwks: () => Promise<unknown>) => Verifier;

/** The hand-written verifier as it was at OLD_REF, loaded from a temporary copy. */
async function oldVerifier(): Promise<{ make: VerifierFactory; cleanUp: () => void }> {
  const root = execFileSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" }).trim();
  const dir = mkdtempSync(path.join(__dirname, ".old-jwt-"));
  for (const file of ["jwt-verifier.ts", "jwks-key-store.ts"]) {
    const source = execFileSync("git", ["show", `${OLD_REF}:packages/service-kit/src/jwt/${file}`], { cwd: root, encoding: "utf8" });
    writeFileSync(path.join(dir, file), source.replace(/from "\.\.\/errors"/g, `from ${JSON.stringify(path.join(__dirname, "..", "src", "errors"))}`));
  }
  const verifierModule = (await import(path.join(dir, "jwt-verifier.ts"))) as { JwtVerifier: new (options: object) => Verifier };
  const storeModule = (await import(path.join(dir, "jwks-key-store.ts"))) as { JwksKeyStore: new (options: object) => object };
  return {
    make: (fetchJwks) => new verifierModule.JwtVerifier({ keys: new storeModule.JwksKeyStore({ fetchJwks }), issuer: "tollgate-auth", audience: "tollgate" }),
    cleanUp: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const newVerifier: VerifierFactory = (fetchJwks) =>
  new JwtVerifier({ keys: new JwksKeyStore({ fetchJwks: fetchJwks as ConstructorParameters<typeof JwksKeyStore>[0]["fetchJwks"] }), issuer: "tollgate-auth", audience: "tollgate" });

async function serve(verifier: Verifier): Promise<number> {
  const logger = createLogger({ service: "bench", level: "error" });
  const app = createHttpApp({
    logger,
    routes: (app) => {
      app.get("/me", requireUser({ verifier: verifier as JwtVerifier }), (_req, res) => {
        res.json({ id: authenticatedUser(res).sub });
      });
    },
  });
  return listen(createServer(app), 0, "127.0.0.1");
}

/** A keep-alive request loop on CONNECTIONS connections for SECONDS, in its own process (so the server's CPU time is its own). */
const LOADER = `
const http = require("node:http");
const [port, token, seconds, connections] = process.argv.slice(1);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(connections) });
const until = Date.now() + Number(seconds) * 1000;
let ok = 0, failed = 0;
function one() {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port: Number(port), path: "/me", agent, headers: { authorization: "Bearer " + token } }, (res) => {
      res.resume();
      res.on("end", () => { res.statusCode === 200 ? ok++ : failed++; resolve(); });
    });
    req.on("error", () => { failed++; resolve(); });
  });
}
async function loop() { while (Date.now() < until) await one(); }
Promise.all(Array.from({ length: Number(connections) }, loop)).then(() => { agent.destroy(); process.stdout.write(JSON.stringify({ ok, failed })); });
`;

interface Round {
  rps: number;
  /** CPU time of this process (main thread and libuv pool) per request, in microseconds. */
  cpuMicros: number;
}

function load(port: number, token: string, seconds: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const cpu = process.cpuUsage();
    const child = execFile(process.execPath, ["-e", LOADER, String(port), token, String(seconds), String(CONNECTIONS)], { encoding: "utf8" }, (error, stdout) => {
      if (error) return reject(error);
      const used = process.cpuUsage(cpu);
      const { ok, failed } = JSON.parse(stdout) as { ok: number; failed: number };
      if (failed > 0 || ok === 0) return reject(new Error(`${failed} of ${ok + failed} requests failed`));
      resolve({ rps: ok / seconds, cpuMicros: (used.user + used.system) / ok });
    });
    child.stdin?.end();
  });
}

function accessToken(privateKey: Parameters<typeof sign>[2], kid: string): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: "tollgate-auth", aud: "tollgate", sub: randomUUID(), sid: randomUUID(), jti: randomUUID(), typ: "access", role: "user", iat: now, exp: now + 3_600 };
  const input = `${b64({ alg: "RS256", typ: "JWT", kid })}.${b64(claims)}`;
  return `${input}.${sign("RSA-SHA256", Buffer.from(input), privateKey).toString("base64url")}`;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

async function main(): Promise<void> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" }) as { n: string; e: string };
  const jwks = { keys: [{ kty: "RSA", kid: "bench-key", use: "sig", alg: "RS256", n: jwk.n, e: jwk.e }] };
  const token = accessToken(privateKey, "bench-key");
  const old = await oldVerifier();
  try {
    const ports = { old: await serve(old.make(async () => jwks)), jose: await serve(newVerifier(async () => jwks)) };
    // Warm-up: JIT, key import, connection set-up; not counted.
    await load(ports.old, token, 2);
    await load(ports.jose, token, 2);
    const results: Record<"old" | "jose", Round[]> = { old: [], jose: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order: ("old" | "jose")[] = round % 2 === 0 ? ["old", "jose"] : ["jose", "old"];
      for (const name of order) results[name].push(await load(ports[name], token, SECONDS));
      const show = (r: Round | undefined) => `${r?.rps.toFixed(0)} req/s, ${r?.cpuMicros.toFixed(0)} µs CPU/req`;
      process.stdout.write(`round ${round + 1}: old ${show(results.old.at(-1))}; jose ${show(results.jose.at(-1))}\n`);
    }
    const rps = { old: median(results.old.map((r) => r.rps)), jose: median(results.jose.map((r) => r.rps)) };
    const cpu = { old: median(results.old.map((r) => r.cpuMicros)), jose: median(results.jose.map((r) => r.cpuMicros)) };
    const pairRatios = results.jose.map((r, i) => r.rps / (results.old[i]?.rps ?? NaN));
    const percent = (ratio: number) => `${ratio >= 1 ? "+" : ""}${((ratio - 1) * 100).toFixed(1)} %`;
    process.stdout.write(
      `\n${ROUNDS} rounds x ${SECONDS} s, ${CONNECTIONS} keep-alive connections, GET /me behind requireUser (RS256, 2048-bit key), medians:\n` +
        `old (hand-written, ${OLD_REF}): ${rps.old.toFixed(0)} req/s, ${cpu.old.toFixed(0)} µs CPU/req\n` +
        `jose 5 jwtVerify:           ${rps.jose.toFixed(0)} req/s, ${cpu.jose.toFixed(0)} µs CPU/req\n` +
        `jose vs old: throughput ${percent(rps.jose / rps.old)} (paired rounds: ${pairRatios.map(percent).join(", ")}), CPU per request ${percent(cpu.jose / cpu.old)}\n`,
    );
  } finally {
    old.cleanUp();
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
