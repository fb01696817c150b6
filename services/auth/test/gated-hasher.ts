import { PasswordHasher } from "../src/domain/password-hasher";

/**
 * The real argon2 verifier at the test cost. While a hold is in force a password check waits
 * before it runs, so a test can keep a login between reading the user and writing its session
 * (where argon2 runs) and land a disable or a password change exactly there.
 */
export class GatedHasher extends PasswordHasher {
  verifications = 0;
  private held: Promise<void> | undefined;
  private readonly releases: (() => void)[] = [];
  private remaining = 0;

  constructor() {
    super({ memoryKiB: 1024, timeCost: 1, parallelism: 1, maxConcurrency: 2 });
  }

  /**
   * Holds the next `verifies` checks (all of them by default) until `letGo`, or `holdMs` at most.
   * Returns what lets these checks alone go, for tests that release held logins one at a time.
   */
  hold({ holdMs = 5_000, verifies = Number.POSITIVE_INFINITY }: { holdMs?: number; verifies?: number } = {}): () => void {
    let release = () => {};
    this.held = new Promise<void>((resolve) => {
      release = resolve;
      setTimeout(resolve, holdMs).unref();
    });
    this.remaining = verifies;
    this.releases.push(release);
    return release;
  }

  /** Lets every held check go; later checks run at once. */
  letGo(): void {
    for (const release of this.releases.splice(0)) release();
    this.held = undefined;
    this.remaining = 0;
  }

  override async verify(hash: string | undefined, password: string): Promise<boolean> {
    this.verifications++;
    const held = this.held;
    if (held && this.remaining > 0) {
      this.remaining--;
      await held;
    }
    return super.verify(hash, password);
  }
}
