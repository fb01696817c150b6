import { mfaErrorCodes } from "@tollgate/contracts";
import { AuthenticationError, ConflictError } from "@tollgate/service-kit";

/** One answer for a wrong code, a code of another time window, a replayed code and a spent recovery code. */
export class InvalidMfaCodeError extends AuthenticationError {
  constructor() {
    super("the code is wrong, expired or already used", mfaErrorCodes.INVALID_MFA_CODE);
  }
}

/** Unknown, expired, redeemed or out of attempts: one answer. */
export class MfaChallengeInvalidError extends AuthenticationError {
  constructor() {
    super("the mfa_token is unknown, expired, already used or out of attempts; log in again", mfaErrorCodes.MFA_CHALLENGE_INVALID);
  }
}

export class MfaAttemptInProgressError extends ConflictError {
  constructor() {
    super("another attempt with this mfa_token is being checked; send the code again once it is answered", mfaErrorCodes.MFA_ATTEMPT_IN_PROGRESS);
  }
}

export class MfaAlreadyEnabledError extends ConflictError {
  constructor() {
    super("two-factor sign-in is already on; disable it first to enrol another authenticator", mfaErrorCodes.MFA_ALREADY_ENABLED);
  }
}

export class MfaNotEnabledError extends ConflictError {
  constructor() {
    super("two-factor sign-in is not on for this account", mfaErrorCodes.MFA_NOT_ENABLED);
  }
}

export class MfaEnrolmentNotStartedError extends ConflictError {
  constructor() {
    super("no authenticator is waiting for confirmation; enrol one first", mfaErrorCodes.MFA_ENROLMENT_NOT_STARTED);
  }
}
