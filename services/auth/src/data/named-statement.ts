import type { Knex } from "knex";

/** A statement Postgres parses and plans once per pooled connection instead of at every call. */
export interface NamedStatement {
  name: string;
  text: string;
}

/** The part of a pg client these statements use (knex's pool holds pg clients). */
interface PgConnection {
  query<Row>(statement: NamedStatement & { values: unknown[] }): Promise<{ rows: Row[]; rowCount: number | null }>;
}

/**
 * Runs a named statement on a pooled connection. knex has no named statements: this borrows a
 * connection the way knex's own runner does. A named statement must list its result columns (no
 * `*`): a migration that adds a column would otherwise change the cached plan's result type.
 */
export async function runNamed<Row>(db: Knex, statement: NamedStatement, values: unknown[]): Promise<{ rows: Row[]; rowCount: number | null }> {
  const connection = (await db.client.acquireConnection()) as PgConnection;
  try {
    return await connection.query<Row>({ ...statement, values });
  } finally {
    await db.client.releaseConnection(connection);
  }
}
