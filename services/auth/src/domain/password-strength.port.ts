/** zxcvbn's verdict on one password; `score` is 0 (< 10^3 guesses) to 4 (≥ 10^10 guesses). */
export type PasswordStrength = {
  score: 0 | 1 | 2 | 3 | 4;
  /** log10 of the guesses an attacker who knows the common patterns would need. */
  guessesLog10: number;
  /** Why it is weak, in English; null when the estimator has no specific reason. */
  warning: string | null;
  /** What to do instead, in English (may be empty). */
  suggestions: string[];
};

/** Estimates how guessable a password is, knowing the words of the person choosing it. */
export interface PasswordStrengthEstimator {
  /** @param userInputs the user's own words (e-mail, username, the service's name): a password built from them counts as weak. */
  estimate(password: string, userInputs: readonly string[]): Promise<PasswordStrength>;
}
