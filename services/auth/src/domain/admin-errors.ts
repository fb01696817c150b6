import { adminErrorCodes } from "@tollgate/contracts";
import { ConflictError, NotFoundError, type AppError } from "@tollgate/service-kit";

/** Removing the role from, or disabling, the only enabled admin would leave nobody to administer. */
export const lastAdminError = (): AppError =>
  new ConflictError("this is the only enabled admin account; grant the admin role to another account first", adminErrorCodes.LAST_ADMIN);

export const sessionNotFoundError = (): AppError => new NotFoundError("session not found", adminErrorCodes.SESSION_NOT_FOUND);
