import type { UserLookupResponse } from "@tollgate/contracts";
import { UserNotFoundError } from "./auth-errors";

/** What this use case needs of the user store (the user repository implements it). */
export interface UserDirectory {
  findByUsername(username: string): Promise<{ id: string; username: string; disabledAt: Date | null } | undefined>;
}

/**
 * Another user by name, for a signed-in user who wants to play them: people know each other by
 * username, while games name players by id. A disabled account is not found: it cannot play.
 */
export class FindUserByUsernameUseCase {
  constructor(private readonly deps: { users: UserDirectory }) {}

  async execute(username: string): Promise<UserLookupResponse> {
    const user = await this.deps.users.findByUsername(username);
    if (!user || user.disabledAt) throw new UserNotFoundError();
    return { id: user.id, username: user.username };
  }
}
