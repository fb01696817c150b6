// domain/oauth still imports these from here (it is being replaced); new code imports
// domain/unit-of-work.port and, for the implementation, src/unit-of-work.ts.
export type { Repositories, UnitOfWork } from "../domain/unit-of-work.port";
