import { isMfaChallenge, type LoginRequest, type LoginResponse } from "@tollgate/contracts";
import { AppError } from "@tollgate/service-kit";
import type { AuthActivity, LoginOutcome } from "./auth-activity.port";
import { LoginUseCase, type LoginDeps } from "./login.use-case";
import type { ClientInfo } from "./session-tokens";

/** The outcome of a refused login, by the status it answers with (the codes behind each may grow). */
export function outcomeOf(error: unknown): LoginOutcome {
  const status = error instanceof AppError ? error.statusCode : 500;
  if (status === 401) return "failure";
  if (status === 429) return "locked";
  if (status === 403) return "disabled";
  return "error";
}

/** The login use case, counting every attempt by outcome; what it answers is unchanged. */
export class CountedLoginUseCase extends LoginUseCase {
  constructor(
    deps: LoginDeps,
    private readonly activity: AuthActivity,
  ) {
    super(deps);
  }

  override async execute(input: LoginRequest, client: ClientInfo): Promise<LoginResponse> {
    try {
      const answer = await super.execute(input, client);
      this.activity.login(isMfaChallenge(answer) ? "mfa_required" : "success");
      return answer;
    } catch (error) {
      this.activity.login(outcomeOf(error));
      throw error;
    }
  }
}
