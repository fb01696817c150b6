import { stack, stackIsReady } from "./stack";

/** Brings the `npm start` stack up unless it already runs; the teardown stops only what this started. */
export default async function setup(): Promise<void> {
  if (await stackIsReady()) return;
  stack("up");
  process.env.TOLLGATE_OUTSIDE_IN_STARTED_STACK = "1";
  if (!(await stackIsReady())) throw new Error("npm start finished but the gateway's /health is not 200");
}
