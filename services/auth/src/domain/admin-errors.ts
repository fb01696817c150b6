import { adminErrorCodes } from "@tollgate/contracts";
import { ConflictError, NotFoundError } from "@tollgate/service-kit";

/** Removing the role from, or disabling, the only enabled admin would leave nobody to administer. */
export class LastAdminError extends ConflictError {
  constructor() {
    super("this is the only enabled admin account; grant the admin role to another account first", adminErrorCodes.LAST_ADMIN);
  }
}

/** An administrator's lookup of any user's session. (A user's own sessions answer account-errors' OwnSessionNotFoundError.) */
export class SessionNotFoundError extends NotFoundError {
  constructor() {
    super("session not found", adminErrorCodes.SESSION_NOT_FOUND);
  }
}
