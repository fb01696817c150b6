import type { CliContext } from "./cli-context";

/**
 * Turns a command's handler into a commander action: the context is built only when the command
 * runs, and the handler's exit code is handed back to `runCli`.
 */
export type CliAction = <A extends unknown[]>(handler: (ctx: CliContext, ...args: A) => Promise<number>) => (...args: A) => Promise<void>;
