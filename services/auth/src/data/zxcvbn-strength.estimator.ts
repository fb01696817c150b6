import { Worker } from "node:worker_threads";
import { DependencyUnavailableError } from "@tollgate/service-kit";
import type { PasswordStrength, PasswordStrengthEstimator } from "../domain/password-strength.port";

/**
 * zxcvbn tries at most this many l33t readings of a password (its default: 100). Measured on the
 * development machine, after warm-up: a 128-character random password took 869 ms at 100 and
 * 105 ms at 10, `password123456` 48 ms and 7 ms; every password of the test list scored the same
 * at both (`P@ssw0rd123456` is still found).
 */
const L33T_MAX_SUBSTITUTIONS = 10;

/**
 * Runs in the worker: loads the common and English dictionaries once, then answers one message per
 * password. Plain JavaScript on purpose: the worker loads the packages' CommonJS builds itself,
 * outside any TypeScript loader (tests run under ts-jest, production from dist/).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { ZxcvbnFactory } = require(workerData.core);
const common = require(workerData.common);
const en = require(workerData.en);
const zxcvbn = new ZxcvbnFactory({
  translations: en.translations,
  graphs: common.adjacencyGraphs,
  dictionary: { ...common.dictionary, ...en.dictionary },
  l33tMaxSubstitutions: workerData.l33tMaxSubstitutions,
});
parentPort.postMessage({ ready: true });
parentPort.on("message", ({ id, password, userInputs }) => {
  try {
    const result = zxcvbn.check(password, userInputs);
    parentPort.postMessage({ id, score: result.score, guessesLog10: result.guessesLog10, warning: result.feedback.warning || null, suggestions: result.feedback.suggestions });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});`;

type Reply = { ready: true } | ({ id: number } & (PasswordStrength | { error: string }));

/**
 * zxcvbn-ts (`@zxcvbn-ts/core` with `language-common` and `language-en`) on a worker thread. An
 * estimate is synchronous JavaScript costing 2–105 ms (see L33T_MAX_SUBSTITUTIONS); on the request
 * thread it would stall every login on the instance for that long, so one worker does them in
 * turn. Its dictionaries (~0.4 s to load) are loaded once, when this is constructed: at start,
 * never per request. Only the password-setting paths call it, never login.
 *
 * The worker does not keep the process alive (`unref`); `close` ends it. If it dies, pending
 * estimates fail with 503 and the next one starts a new worker.
 */
export class ZxcvbnStrengthEstimator implements PasswordStrengthEstimator {
  private worker: Worker | undefined;
  private readyPromise: Promise<void> | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { worker: Worker; resolve: (strength: PasswordStrength) => void; reject: (error: Error) => void }>();

  constructor() {
    this.start();
  }

  /** Settles once the dictionaries are loaded; rejects when the worker cannot start (main.ts refuses to listen then). */
  ready(): Promise<void> {
    return this.readyPromise ?? this.start();
  }

  async estimate(password: string, userInputs: readonly string[]): Promise<PasswordStrength> {
    if (!this.worker) this.start();
    const worker = this.worker as Worker;
    const id = this.nextId++;
    return new Promise<PasswordStrength>((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      worker.postMessage({ id, password, userInputs: [...userInputs] });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.readyPromise = undefined;
    await worker?.terminate();
  }

  private start(): Promise<void> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        core: require.resolve("@zxcvbn-ts/core"),
        common: require.resolve("@zxcvbn-ts/language-common"),
        en: require.resolve("@zxcvbn-ts/language-en"),
        l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
      },
    });
    worker.unref();
    this.worker = worker;
    this.readyPromise = new Promise<void>((resolve, reject) => {
      worker.on("message", (reply: Reply) => {
        if ("ready" in reply) return resolve();
        const waiting = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if ("error" in reply) waiting?.reject(new Error(`password strength estimate failed: ${reply.error}`));
        else waiting?.resolve(reply);
      });
      worker.on("error", (error) => {
        reject(error);
        this.failPending(worker, error);
      });
      worker.on("exit", (code) => {
        reject(new Error(`password strength worker exited with code ${code} before it was ready`));
        this.failPending(worker, new Error(`password strength worker exited with code ${code}`));
      });
    });
    // A caller that never awaits ready() must not see an unhandled rejection.
    this.readyPromise.catch(() => undefined);
    return this.readyPromise;
  }

  /** The worker is gone: everything it was asked fails with 503, and the next estimate starts another. */
  private failPending(worker: Worker, cause: Error): void {
    if (this.worker === worker) this.worker = undefined;
    for (const [id, waiting] of this.pending) {
      if (waiting.worker !== worker) continue;
      this.pending.delete(id);
      waiting.reject(new DependencyUnavailableError("password-strength", { cause }));
    }
  }
}
