import { stack } from "./stack";

export default function teardown(): void {
  if (process.env.TOLLGATE_OUTSIDE_IN_STARTED_STACK === "1") stack("down");
}
