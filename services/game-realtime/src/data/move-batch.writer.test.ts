import { randomUUID } from "node:crypto";
import type { GameRecord } from "../domain/game";
import type { AppendMoveRow } from "./game.repository";
import { MoveBatchWriter } from "./move-batch.writer";

const row = (gameId: string, seq = 0): AppendMoveRow => ({
  gameId,
  expectedVersion: seq,
  move: { seq, playerId: randomUUID(), action: { column: 0 } },
  end: { status: "active", result: null, endReason: null },
});

const record = (r: AppendMoveRow) => ({ id: r.gameId, version: r.expectedVersion + 1 }) as GameRecord;

/** A fake statement that records each batch and answers once released. */
function fakeDatabase(refuse: (r: AppendMoveRow) => boolean = () => false) {
  const statements: AppendMoveRow[][] = [];
  const releases: (() => void)[] = [];
  const write = (rows: readonly AppendMoveRow[]) => {
    statements.push([...rows]);
    return new Promise<Map<string, GameRecord>>((resolve, reject) => {
      releases.push(() => {
        if (rows.length > 1 && rows.some(refuse)) reject(new Error("constraint"));
        else if (rows.some(refuse)) reject(new Error("this move is bad"));
        else resolve(new Map(rows.filter((r) => r.expectedVersion !== 99).map((r) => [r.gameId, record(r)])));
      });
    });
  };
  /** Lets every statement (including those its answers lead to) commit. */
  const releaseAll = async () => {
    for (let round = 0; round < 20; round++) {
      releases.splice(0).forEach((release) => release());
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { statements, write, releaseAll };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("MoveBatchWriter", () => {
  it("when moves of many games arrive while a batch is being written, then they go together in the next statement and each gets its game", async () => {
    const db = fakeDatabase();
    const writer = new MoveBatchWriter(db.write, { maxInFlight: 1, maxBatch: 100 });
    const first = writer.append(row(randomUUID()));
    await tick();
    const rows = Array.from({ length: 10 }, () => row(randomUUID()));
    const later = rows.map((r) => writer.append(r));
    await tick();
    expect(db.statements.map((s) => s.length)).toEqual([1]); // the ten wait for the first to commit
    await db.releaseAll();
    await expect(first).resolves.toMatchObject({ version: 1 });
    expect(db.statements.map((s) => s.length)).toEqual([1, 10]);
    expect((await Promise.all(later)).map((g) => g?.id)).toEqual(rows.map((r) => r.gameId));
  });

  it("when two moves of one game are queued, then they go in different statements, and batches respect maxBatch", async () => {
    const db = fakeDatabase();
    const writer = new MoveBatchWriter(db.write, { maxInFlight: 1, maxBatch: 3 });
    const gameId = randomUUID();
    const moves = [row(gameId, 0), row(gameId, 1), row(randomUUID()), row(randomUUID()), row(randomUUID())].map((r) => writer.append(r));
    await tick();
    await db.releaseAll();
    await Promise.all(moves);
    expect(db.statements.map((s) => s.length)).toEqual([3, 2]);
    for (const statement of db.statements) expect(new Set(statement.map((r) => r.gameId)).size).toBe(statement.length);
  });

  it("when a game was not at the expected version, then its move settles undefined and the others in the statement are written", async () => {
    const db = fakeDatabase();
    const writer = new MoveBatchWriter(db.write, { maxInFlight: 2, maxBatch: 100 });
    const stale = writer.append(row(randomUUID(), 99));
    const fine = writer.append(row(randomUUID(), 4));
    await tick();
    await db.releaseAll();
    await expect(stale).resolves.toBeUndefined();
    await expect(fine).resolves.toMatchObject({ version: 5 });
  });

  it("when a statement fails, then each of its moves is retried alone and only the bad one fails", async () => {
    const bad = randomUUID();
    const db = fakeDatabase((r) => r.gameId === bad);
    const writer = new MoveBatchWriter(db.write, { maxInFlight: 1, maxBatch: 100 });
    const good = [row(randomUUID()), row(randomUUID())];
    const results = Promise.allSettled([writer.append(good[0] as AppendMoveRow), writer.append(row(bad)), writer.append(good[1] as AppendMoveRow)]);
    await tick();
    await db.releaseAll();
    const [a, b, c] = await results;
    expect(a).toMatchObject({ status: "fulfilled", value: { id: good[0]?.gameId } });
    expect(b).toMatchObject({ status: "rejected", reason: new Error("this move is bad") });
    expect(c).toMatchObject({ status: "fulfilled", value: { id: good[1]?.gameId } });
    expect(db.statements.map((s) => s.length)).toEqual([3, 1, 1, 1]);
  });
});
