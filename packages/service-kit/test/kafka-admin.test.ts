import { testInfra } from "@tollgate/test-harness";
import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, type Admin } from "kafkajs";
import { createKafka, isRetriableKafkaError, withKafkaAdmin } from "../src";
import { captureLogger } from "./support";

/** What kafkajs throws for the broker's NOT_LEADER_OR_FOLLOWER answer (error code 6, retriable). */
const notLeader = () => new KafkaJSProtocolError({ message: "This server is not the leader for that topic-partition", type: "NOT_LEADER_FOR_PARTITION", code: 6, retriable: true } as never);

describe("withKafkaAdmin", () => {
  const { logger, capture } = captureLogger();
  const kafka = createKafka({ clientId: "kit-admin-test", brokers: testInfra().kafkaBrokers, logger });

  it("when the broker answers NOT_LEADER_OR_FOLLOWER twice (a topic that has just been created), then the work runs again with a new client each time and its result is returned", async () => {
    const clients: Admin[] = [];
    const topics = await withKafkaAdmin(
      kafka,
      async (admin) => {
        clients.push(admin);
        if (clients.length < 3) throw notLeader();
        return admin.listTopics();
      },
      { intervalMs: 10, log: logger, what: "listing topics" },
    );
    expect(Array.isArray(topics)).toBe(true);
    expect(clients).toHaveLength(3);
    expect(new Set(clients).size).toBe(3);
    expect(capture.lines.filter((line) => line.includes("trying again") && line.includes("listing topics"))).toHaveLength(2);
  });

  it("when the work fails with a refusal that is not retriable, then it is thrown at once", async () => {
    let runs = 0;
    const refusal = new KafkaJSNonRetriableError("The consumer group must have no running instances");
    await expect(
      withKafkaAdmin(kafka, async () => {
        runs++;
        throw refusal;
      }, { intervalMs: 10 }),
    ).rejects.toBe(refusal);
    expect(runs).toBe(1);
  });

  it("when the broker keeps refusing, then the last refusal is thrown after the last attempt", async () => {
    let runs = 0;
    await expect(
      withKafkaAdmin(kafka, async () => {
        runs++;
        throw notLeader();
      }, { attempts: 4, intervalMs: 10 }),
    ).rejects.toThrow("not the leader");
    expect(runs).toBe(4);
  });
});

describe("isRetriableKafkaError", () => {
  it("reads the protocol's flag, through kafkajs's retries-exceeded wrapper and an aggregate of retriable errors", () => {
    expect(isRetriableKafkaError(notLeader())).toBe(true);
    expect(isRetriableKafkaError(new KafkaJSNumberOfRetriesExceeded(notLeader(), { retryCount: 5, retryTime: 100 }))).toBe(true);
    expect(isRetriableKafkaError({ errors: [notLeader(), notLeader()] })).toBe(true);
    expect(isRetriableKafkaError({ errors: [notLeader(), new KafkaJSNonRetriableError("x")] })).toBe(false);
    expect(isRetriableKafkaError(new KafkaJSNonRetriableError("invalid topic"))).toBe(false);
    expect(isRetriableKafkaError(new Error("plain"))).toBe(false);
    expect(isRetriableKafkaError(undefined)).toBe(false);
  });
});
