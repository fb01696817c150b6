import type { AuditLogEntry, AuditLogQuery } from "@tollgate/contracts";
import type { Repositories } from "../data/unit-of-work";

export class SearchAuditLogsUseCase {
  constructor(private readonly deps: { repos: Repositories }) {}

  execute(query: AuditLogQuery): Promise<AuditLogEntry[]> {
    return this.deps.repos.audit.search(query);
  }
}
