import type { Jwk } from "@tollgate/contracts";
import type { Knex } from "knex";
import type { SigningKeyCipher } from "../domain/signing-key-cipher";
import type { PublishedKey, SigningKey, SigningKeyRepositoryPort } from "../domain/signing-key.repository.port";

interface Row {
  kid: string;
  private_key_pem: string;
  public_jwk: Jwk;
  created_at: Date;
  retired_at: Date | null;
}

const toPublished = (row: Omit<Row, "private_key_pem">): PublishedKey => ({ kid: row.kid, publicJwk: row.public_jwk, createdAt: row.created_at, retiredAt: row.retired_at });

/** Any number: serialises key creation between instances and the rotation command. */
const KEY_LOCK = 7_411_906;

/** Signing keys in `signing_keys`; private keys are sealed at rest by the cipher (opened only for `current`). */
export class SigningKeyRepository implements SigningKeyRepositoryPort {
  constructor(
    private readonly knex: Knex,
    private readonly cipher: SigningKeyCipher,
  ) {}

  /**
   * The key to sign with: the newest one published for at least `activationDelaySeconds`, so every
   * verifier has had the chance to fetch it before it meets a token signed by it. On first start
   * (no key old enough yet) the newest key.
   */
  async current(activationDelaySeconds: number): Promise<SigningKey | undefined> {
    const settled = await this.knex<Row>("signing_keys")
      .where("created_at", "<=", this.knex.raw("now() - make_interval(secs => ?)", [activationDelaySeconds]))
      .orderBy("created_at", "desc")
      .first();
    const row = settled ?? (await this.knex<Row>("signing_keys").orderBy("created_at", "desc").first());
    return row && { ...toPublished(row), privateKeyPem: this.cipher.open(row.kid, row.private_key_pem) };
  }

  /** Keys still able to verify a token: active ones, and retired ones within `keepRetiredSeconds`. */
  async published(keepRetiredSeconds: number): Promise<PublishedKey[]> {
    const rows = await this.knex<Row>("signing_keys")
      .select("kid", "public_jwk", "created_at", "retired_at")
      .whereNull("retired_at")
      .orWhere("retired_at", ">", this.knex.raw(`now() - make_interval(secs => ?)`, [keepRetiredSeconds]))
      .orderBy("created_at", "desc");
    return rows.map(toPublished);
  }

  /**
   * Adds a key under an advisory lock; the keys before it are retired from the moment the new one
   * takes over (`activationDelaySeconds` from now). With `onlyIfNone`, does nothing when a key
   * exists (first start of several instances at once).
   */
  async add(key: Omit<SigningKey, "createdAt" | "retiredAt">, { onlyIfNone, activationDelaySeconds }: { onlyIfNone: boolean; activationDelaySeconds: number }): Promise<boolean> {
    return this.knex.transaction(async (trx) => {
      await trx.raw("SELECT pg_advisory_xact_lock(?)", [KEY_LOCK]);
      if (onlyIfNone && (await trx("signing_keys").whereNull("retired_at").first())) return false;
      await trx("signing_keys")
        .whereNull("retired_at")
        .update({ retired_at: trx.raw("now() + make_interval(secs => ?)", [activationDelaySeconds]) });
      await trx("signing_keys").insert({ kid: key.kid, private_key_pem: this.cipher.seal(key.kid, key.privateKeyPem), public_jwk: JSON.stringify(key.publicJwk) });
      return true;
    });
  }

  /**
   * Seals every stored private key that is not sealed with the cipher's current key: keys written
   * before encryption was configured, or under a key-encryption key being retired. Under the key
   * lock, so instances starting together reseal each row once. Returns how many rows changed.
   */
  async resealAll(): Promise<number> {
    if (!this.cipher.enabled) return 0;
    return this.knex.transaction(async (trx) => {
      await trx.raw("SELECT pg_advisory_xact_lock(?)", [KEY_LOCK]);
      const rows = await trx<Row>("signing_keys").select("kid", "private_key_pem");
      let resealed = 0;
      for (const row of rows) {
        if (!this.cipher.needsReseal(row.private_key_pem)) continue;
        const pem = this.cipher.open(row.kid, row.private_key_pem);
        await trx("signing_keys").where({ kid: row.kid }).update({ private_key_pem: this.cipher.seal(row.kid, pem) });
        resealed++;
      }
      return resealed;
    });
  }

  /** Deletes retired keys past the point where any token they signed could still be valid. */
  async prune(keepRetiredSeconds: number): Promise<number> {
    return this.knex("signing_keys").where("retired_at", "<=", this.knex.raw(`now() - make_interval(secs => ?)`, [keepRetiredSeconds])).delete();
  }
}
