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

  /** The newest key that is not retired. */
  async current(): Promise<SigningKey | undefined> {
    const row = await this.knex<Row>("signing_keys").whereNull("retired_at").orderBy("created_at", "desc").first();
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
   * Adds a key and retires the others, under an advisory lock. With `onlyIfNone`, does nothing
   * when an active key exists (first start of several instances at once).
   */
  async add(key: Omit<SigningKey, "createdAt" | "retiredAt">, { onlyIfNone }: { onlyIfNone: boolean }): Promise<boolean> {
    return this.knex.transaction(async (trx) => {
      await trx.raw("SELECT pg_advisory_xact_lock(?)", [KEY_LOCK]);
      if (onlyIfNone && (await trx("signing_keys").whereNull("retired_at").first())) return false;
      await trx("signing_keys").whereNull("retired_at").update({ retired_at: trx.fn.now() });
      await trx("signing_keys").insert({ kid: key.kid, private_key_pem: key.privateKeyPem, public_jwk: JSON.stringify(key.publicJwk) });
      return true;
    });
  }

  /** Deletes retired keys past the point where any token they signed could still be valid. */
  async prune(keepRetiredSeconds: number): Promise<number> {
    return this.knex("signing_keys").where("retired_at", "<=", this.knex.raw(`now() - make_interval(secs => ?)`, [keepRetiredSeconds])).delete();
  }
}
