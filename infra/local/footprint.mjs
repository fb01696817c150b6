#!/usr/bin/env node
// Start-up and footprint of the local stack (issue #23, goal 5), run by hand:
//
//   npm run bench:footprint            (IDLE_SECONDS=60 ROUNDS=1)
//
// Each round stops the services (`npm run stop`; Postgres, Redis and Kafka keep running when they
// were not started by `npm start`), starts them again with `npm start` on a warm machine (built,
// installed), and reads what `npm start` prints: each service's time from its process start to its
// first `/health/ready` 200, and the whole `npm start` to the gateway's `/health` 200. Then the
// stack sits idle for IDLE_SECONDS and each service's resident set (VmRSS) and CPU over that window
// (utime + stime from /proc/<pid>/stat, in % of one core) are printed. Leaves the stack running.
// Linux only (/proc).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const pids = path.join(root, ".tollgate", "pids");

/** A positive integer from the environment, or `fallback`; anything else exits 2 naming the variable. */
function positiveInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^[1-9][0-9]*$/.test(raw)) {
    console.error(`${name} must be a positive integer (got ${JSON.stringify(raw)})`);
    process.exit(2);
  }
  return Number(raw);
}

const IDLE_SECONDS = positiveInt("IDLE_SECONDS", 60);
const ROUNDS = positiveInt("ROUNDS", 1);
const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
const SERVICES = readFileSync(path.join(root, "infra", "local", "services.conf"), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"))
  .map((line) => line.trim().split(/\s+/)[0]);

function npm(script) {
  const result = spawnSync("npm", ["run", "--silent", script], { cwd: root, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`npm run ${script} exited ${result.status}`);
  }
  return result.stdout;
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid) {
  // Fields after the command name (which is in parentheses and may hold spaces): utime is the 14th field.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function rssMiB(pid) {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : NaN;
}

function runningServices() {
  const running = new Map();
  for (const file of readdirSync(pids)) {
    const name = file.replace(/\.pid$/, "");
    if (!SERVICES.includes(name)) continue;
    running.set(name, Number(readFileSync(path.join(pids, file), "utf8").trim()));
  }
  return running;
}

async function round(n) {
  npm("stop");
  const output = npm("start");
  const ready = new Map([...output.matchAll(/^\[stack\] (\S+) ready ([0-9.]+) s after its process started$/gm)].map((m) => [m[1], Number(m[2])]));
  const total = /^\[stack\] npm start took ([0-9.]+) s to the gateway's \/health (.+)$/m.exec(output);
  const running = runningServices();
  const before = new Map([...running].map(([name, pid]) => [name, cpuSeconds(pid)]));
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  console.log(`\nround ${n}: npm start to the gateway's /health ${total ? `${total[2]}: ${total[1]} s` : "(not printed)"}; then ${IDLE_SECONDS} s idle`);
  console.log(`${"service".padEnd(16)} ${"ready after".padStart(12)} ${"RSS idle".padStart(10)} ${"CPU idle".padStart(14)}`);
  let cpuTotal = 0;
  for (const name of SERVICES) {
    const pid = running.get(name);
    if (pid === undefined) continue;
    if (!existsSync(`/proc/${pid}`)) {
      // Its figures would be another process's, or none: say so, and fail the run after the table.
      console.log(`${name.padEnd(16)} exited during the idle window (pid ${pid}); see .tollgate/logs/${name}.log`);
      process.exitCode = 1;
      continue;
    }
    const cpu = cpuSeconds(pid) - before.get(name);
    cpuTotal += cpu;
    const readyText = ready.has(name) ? `${ready.get(name).toFixed(1)} s` : "—";
    console.log(`${name.padEnd(16)} ${readyText.padStart(12)} ${`${rssMiB(pid).toFixed(0)} MiB`.padStart(10)} ${`${((cpu / IDLE_SECONDS) * 100).toFixed(1)} % core`.padStart(14)}`);
  }
  console.log(`${"all services".padEnd(16)} ${"".padStart(12)} ${"".padStart(10)} ${`${((cpuTotal / IDLE_SECONDS) * 100).toFixed(1)} % core`.padStart(14)}`);
}

for (let n = 1; n <= ROUNDS; n++) await round(n);
