import type { Jwk } from "@tollgate/contracts";
import type { Knex } from "knex";

export interface SigningKey {
  kid: string;
  privateKeyPem: string;
  publicJwk: Jwk;
  createdAt: Date;
  retiredAt: Date | null;
}

interface Row {
  kid: string;
  private_key_pem: string;
  public_jwk: Jwk;
  created_at: Date;
  retired_at: Date | null;
}

const toKey = (row: Row): SigningKey => ({ kid: row.kid, privateKeyPem: row.private_key_pem, publicJwk: row.public_jwk, createdAt: row.created_at, retiredAt: row.retired_at });

/** Any number: serialises key creation between instances and the rotation command. */
const KEY_LOCK = 7_411_906;

export class SigningKeyRepository {
  constructor(private readonly knex: Knex) {}

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
    return row && toKey(row);
  }

  /** Keys still able to verify a token: active ones, and retired ones within `keepRetiredSeconds`. */
  async published(keepRetiredSeconds: number): Promise<SigningKey[]> {
    const rows = await this.knex<Row>("signing_keys")
      .whereNull("retired_at")
      .orWhere("retired_at", ">", this.knex.raw(`now() - make_interval(secs => ?)`, [keepRetiredSeconds]))
      .orderBy("created_at", "desc");
    return rows.map(toKey);
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
      await trx("signing_keys").insert({ kid: key.kid, private_key_pem: key.privateKeyPem, public_jwk: JSON.stringify(key.publicJwk) });
      return true;
    });
  }

  /** Deletes retired keys past the point where any token they signed could still be valid. */
  async prune(keepRetiredSeconds: number): Promise<number> {
    return this.knex("signing_keys").where("retired_at", "<=", this.knex.raw(`now() - make_interval(secs => ?)`, [keepRetiredSeconds])).delete();
  }
}
