import type { UserResponse } from "@tollgate/contracts";
import type { Repositories } from "./unit-of-work.port";
import { UserNotFoundError } from "./auth-errors";
import { toUserResponse } from "./session-tokens";

export class GetCurrentUserUseCase {
  constructor(private readonly deps: { repos: Repositories }) {}

  async execute(userId: string): Promise<UserResponse> {
    const user = await this.deps.repos.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    return toUserResponse(user);
  }
}
