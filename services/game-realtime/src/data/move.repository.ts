import type { Knex } from "knex";
import type { MoveRecord } from "../domain/game";

interface MoveRow {
  game_id: string;
  seq: number;
  player_id: string;
  action: unknown;
  created_at: Date;
}

const toRecord = (row: MoveRow): MoveRecord => ({
  gameId: row.game_id,
  seq: row.seq,
  playerId: row.player_id,
  action: row.action,
  createdAt: row.created_at,
});

export class MoveRepository {
  constructor(private readonly knex: Knex) {}

  /** One move, inside the caller's transaction (a game's last move, stored with the game's end). */
  async insert(trx: Knex.Transaction, gameId: string, move: Omit<MoveRecord, "createdAt" | "gameId">): Promise<void> {
    await trx("moves").insert({ game_id: gameId, seq: move.seq, player_id: move.playerId, action: JSON.stringify(move.action) });
  }

  /** Every move of a game in order: the game's state is rebuilt from these. */
  async listForGame(gameId: string, trx?: Knex.Transaction): Promise<MoveRecord[]> {
    const rows = await (trx ?? this.knex)<MoveRow>("moves").where({ game_id: gameId }).orderBy("seq", "asc");
    return rows.map(toRecord);
  }
}
