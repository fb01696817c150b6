import type { GameResult, GameStatus } from "@tollgate/contracts";
import type { Knex } from "knex";
import type { GameEndReason, GameRecord } from "../domain/game";
import type { GameChanges } from "../domain/game-store.port";

interface GameRow {
  id: string;
  kind: string;
  status: GameStatus;
  player1_id: string;
  player2_id: string | null;
  invited_user_id: string | null;
  version: number;
  result: GameResult | null;
  end_reason: GameEndReason | null;
  created_at: Date;
  updated_at: Date;
}

/** One move to append, with the game's state after it. */
export interface AppendMoveRow {
  gameId: string;
  expectedVersion: number;
  move: { seq: number; playerId: string; action: unknown };
  end: { status: GameStatus; result: GameResult | null; endReason: GameEndReason | null };
}

const toRecord = (row: GameRow): GameRecord => ({
  id: row.id,
  kind: row.kind,
  status: row.status,
  player1Id: row.player1_id,
  player2Id: row.player2_id,
  invitedUserId: row.invited_user_id,
  version: row.version,
  result: row.result,
  endReason: row.end_reason,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Games over knex; every method takes an optional transaction so use cases can lock and write together. */
export class GameRepository {
  constructor(private readonly knex: Knex) {}

  async insert(game: Pick<GameRecord, "id" | "kind" | "player1Id" | "invitedUserId">): Promise<GameRecord> {
    const [row] = await this.knex<GameRow>("games")
      .insert({ id: game.id, kind: game.kind, status: "waiting", player1_id: game.player1Id, invited_user_id: game.invitedUserId, version: 0 })
      .returning("*");
    if (!row) throw new Error("insert returned no row");
    return toRecord(row);
  }

  async insertActive(game: Pick<GameRecord, "id" | "kind" | "player1Id"> & { player2Id: string }): Promise<GameRecord> {
    const [row] = await this.knex<GameRow>("games")
      .insert({ id: game.id, kind: game.kind, status: "active", player1_id: game.player1Id, player2_id: game.player2Id, invited_user_id: null, version: 0 })
      .returning("*");
    if (!row) throw new Error("insert returned no row");
    return toRecord(row);
  }

  async findById(id: string, trx?: Knex.Transaction): Promise<GameRecord | undefined> {
    const row = await (trx ?? this.knex)<GameRow>("games").where({ id }).first();
    return row ? toRecord(row) : undefined;
  }

  /** Reads and row-locks a game until the transaction ends, so moves on one game are serialised across instances. */
  async lockById(trx: Knex.Transaction, id: string): Promise<GameRecord | undefined> {
    const row = await trx<GameRow>("games").where({ id }).forUpdate().first();
    return row ? toRecord(row) : undefined;
  }

  /** The games of a player, or of any of several players (seated or invited), newest first. */
  async listForPlayer(userIds: string | readonly string[], status?: GameStatus, trx?: Knex.Transaction): Promise<GameRecord[]> {
    const ids = typeof userIds === "string" ? [userIds] : [...userIds];
    const query = (trx ?? this.knex)<GameRow>("games")
      .where((where) => where.whereIn("player1_id", ids).orWhereIn("player2_id", ids).orWhereIn("invited_user_id", ids))
      .orderBy("created_at", "desc")
      .limit(100);
    if (status) query.andWhere("status", status);
    return (await query).map(toRecord);
  }

  async update(
    trx: Knex.Transaction,
    id: string,
    changes: GameChanges,
  ): Promise<GameRecord> {
    const [row] = await trx<GameRow>("games")
      .where({ id })
      .update({
        ...(changes.status === undefined ? {} : { status: changes.status }),
        ...(changes.player2Id === undefined ? {} : { player2_id: changes.player2Id }),
        ...(changes.version === undefined ? {} : { version: changes.version }),
        ...(changes.result === undefined ? {} : { result: changes.result }),
        ...(changes.endReason === undefined ? {} : { end_reason: changes.endReason }),
        updated_at: trx.fn.now() as unknown as Date,
      })
      .returning("*");
    if (!row) throw new Error(`game ${id} vanished during update`);
    return toRecord(row);
  }

  /**
   * Several moves (of different games) and their games' new versions in one statement: one round
   * trip and one commit for the lot. Each UPDATE only matches an active game still at its
   * expected version, and a move is only inserted for a game the UPDATE returned, so a move that
   * lost a race writes nothing while the others in the statement still commit. Returns the
   * updated games by id; a game missing from the map lost its race.
   */
  async appendMovesIfVersion(entries: readonly AppendMoveRow[], trx?: Knex.Transaction): Promise<Map<string, GameRecord>> {
    const rows = entries.map((entry) => ({
      game_id: entry.gameId,
      expected_version: entry.expectedVersion,
      status: entry.end.status,
      result: entry.end.result,
      end_reason: entry.end.endReason,
      seq: entry.move.seq,
      player_id: entry.move.playerId,
      action: entry.move.action,
    }));
    const result = await (trx ?? this.knex).raw<{ rows: GameRow[] }>(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset(?::jsonb) AS t(
           game_id uuid, expected_version integer, status text, result text, end_reason text, seq integer, player_id uuid, action jsonb)
       ), updated AS (
         UPDATE games AS g
            SET version = g.version + 1, status = i.status, result = i.result, end_reason = i.end_reason, updated_at = now()
           FROM input AS i
          WHERE g.id = i.game_id AND g.version = i.expected_version AND g.status = 'active'
         RETURNING g.*
       ), inserted AS (
         INSERT INTO moves (game_id, seq, player_id, action)
         SELECT i.game_id, i.seq, i.player_id, i.action FROM input AS i JOIN updated AS u ON u.id = i.game_id
         RETURNING game_id
       )
       SELECT * FROM updated`,
      [JSON.stringify(rows)],
    );
    return new Map(result.rows.map((row) => [row.id, toRecord(row)]));
  }

  async hasActiveGame(userId: string): Promise<boolean> {
    const row = await this.knex("games")
      .where("status", "active")
      .andWhere((where) => where.where("player1_id", userId).orWhere("player2_id", userId))
      .first("id");
    return row !== undefined;
  }

  async countByStatus(status: GameStatus): Promise<number> {
    const row = await this.knex("games").where({ status }).count<{ count: string }[]>({ count: "*" }).first();
    return Number(row?.count ?? 0);
  }
}
