/**
 * The sessions and users whose access tokens must be refused before those tokens expire, fed by
 * `tollgate.auth-events` (`session.revoked`, `user.disabled`).
 *
 *   const view = new RevokedSessionView({ kafka, topic, logger, deadLetterProducer, service: "proxy", instanceId, retentionSeconds: 900 });
 *   await view.start();           // joins a fresh per-instance group and replays the topic
 *   view.isRevoked(claims);       // true for a revoked `sid`, or a `sub` disabled after `iat`
 *
 * Every start uses a new consumer group (deleted again on stop), so each instance sees every event.
 * Before it joins, the group's offsets are set to the first message of the last `retentionSeconds`
 * (the longest access-token lifetime): the state is rebuilt from that window only, and entries are
 * dropped once a token issued before the revocation would have expired anyway.
 */
import { randomUUID } from "node:crypto";
import { eventTypes } from "@tollgate/contracts";
import type { Admin, Kafka, Producer } from "kafkajs";
import type { Registry } from "prom-client";
import { consumerGroupId, EventConsumer } from "../events/event-consumer";
import { withKafkaAdmin } from "../events/kafka-admin";
import type { Logger } from "../logger";

export interface RevokedSessionViewOptions {
  kafka: Kafka;
  /** The (namespaced) auth-events topic. */
  topic: string;
  logger: Logger;
  deadLetterProducer: Producer;
  /** The consuming service's name, part of the group id. */
  service: string;
  instanceId: string;
  /** How long an entry matters: the longest access-token lifetime, in seconds. */
  retentionSeconds: number;
  now?: () => number;
  /** The service's registry, for the consumer's lag and dead letters. */
  metrics?: Registry;
}

/** What `isRevoked` needs from verified claims. */
export interface SessionClaims {
  sid?: string;
  sub: string;
  iat?: number;
}

export class RevokedSessionView {
  /** session id → ms until which it matters */
  private readonly sessions = new Map<string, number>();
  /** user id → { disabledAt ms, keep until ms } */
  private readonly users = new Map<string, { disabledAt: number; until: number }>();
  private consumer: EventConsumer | undefined;
  private groupId: string | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: RevokedSessionViewOptions) {
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    const groupId = consumerGroupId(this.options.service, "revoked-sessions", "per-instance", `${this.options.instanceId}.${randomUUID()}`);
    this.groupId = groupId;
    await this.seekToWindow(groupId);
    const consumer = new EventConsumer({
      kafka: this.options.kafka,
      groupId,
      topics: [this.options.topic],
      logger: this.options.logger,
      deadLetterProducer: this.options.deadLetterProducer,
      fromBeginning: true,
      metrics: this.options.metrics,
    });
    consumer.on(eventTypes.sessionRevoked, async (event) => {
      this.revokeSession(event.data.session_id, Date.parse(event.data.revoked_at));
    });
    consumer.on(eventTypes.userDisabled, async (event) => {
      this.disableUser(event.data.user_id, Date.parse(event.data.disabled_at));
    });
    this.consumer = consumer;
    await consumer.start();
    await consumer.joined();
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /** Readiness of the view's consumer (see `EventConsumer.ready`). */
  async ready(): Promise<void> {
    if (!this.consumer) throw new Error("revoked-session view not started");
    await this.consumer.ready();
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    await this.consumer?.stop();
    this.consumer = undefined;
    const groupId = this.groupId;
    this.groupId = undefined;
    if (groupId) await this.withAdmin((admin) => admin.deleteGroups([groupId]), 1).catch(() => undefined);
  }

  isRevoked(claims: SessionClaims): boolean {
    const now = this.now();
    const sessionUntil = claims.sid === undefined ? undefined : this.sessions.get(claims.sid);
    if (sessionUntil !== undefined && sessionUntil > now) return true;
    const user = this.users.get(claims.sub);
    // A token issued after the disable (e.g. the user was enabled again) is not affected.
    return user !== undefined && user.until > now && (claims.iat === undefined || claims.iat * 1000 <= user.disabledAt + 1_000);
  }

  /** Also usable directly by the service that produces the events, before they round-trip Kafka. */
  revokeSession(sessionId: string, revokedAt: number): void {
    const until = revokedAt + this.options.retentionSeconds * 1000;
    if (until > this.now()) this.sessions.set(sessionId, Math.max(until, this.sessions.get(sessionId) ?? 0));
  }

  disableUser(userId: string, disabledAt: number): void {
    const until = disabledAt + this.options.retentionSeconds * 1000;
    if (until > this.now()) this.users.set(userId, { disabledAt, until });
  }

  get size(): number {
    return this.sessions.size + this.users.size;
  }

  /** Commits, for the fresh group, the offsets of the first messages inside the retention window. */
  private async seekToWindow(groupId: string): Promise<void> {
    const since = this.now() - this.options.retentionSeconds * 1000;
    await this.withAdmin(async (admin) => {
      const partitions = await admin.fetchTopicOffsetsByTimestamp(this.options.topic, since);
      const earliest = new Map((await admin.fetchTopicOffsets(this.options.topic)).map((p) => [p.partition, p.low]));
      // Setting offsets costs a group join (seconds); skip it when the window starts at the beginning anyway.
      if (partitions.every((p) => BigInt(p.offset) <= BigInt(earliest.get(p.partition) ?? "0"))) return;
      await admin.setOffsets({ groupId, topic: this.options.topic, partitions });
    });
  }

  /** A stop does not wait out a broker that is away: one attempt (`attempts: 1`). */
  private async withAdmin<T>(work: (admin: Admin) => Promise<T>, attempts?: number): Promise<T> {
    return withKafkaAdmin(this.options.kafka, work, { log: this.options.logger, what: "revoked-session view's group", attempts });
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, until] of this.sessions) if (until <= now) this.sessions.delete(id);
    for (const [id, entry] of this.users) if (entry.until <= now) this.users.delete(id);
  }
}
