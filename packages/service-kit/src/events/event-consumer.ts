import { cloudEventSchema, deadLetterTopic, eventDataSchemas, type EventDataByType, type EventType, type TypedCloudEvent } from "@tollgate/contracts";
import type { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from "kafkajs";
import type { Registry } from "prom-client";
import type { z } from "zod";
import type { Logger } from "../logger";
import { KafkaConsumerMetrics, type DeadLetterReason } from "./consumer-metrics";
import { pinUnsetOffsetsToEnd } from "./group-offsets";

export interface EventContext {
  topic: string;
  partition: number;
  offset: string;
}

type Handler = { schema: z.ZodType; handle: (event: TypedCloudEvent<unknown>, context: EventContext) => Promise<void> };

export interface EventConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  logger: Logger;
  /** Producer for dead letters (a plain one is fine). */
  deadLetterProducer: Producer;
  /** New groups start at the earliest offset (true) or only see new events (false, the default). */
  fromBeginning?: boolean;
  /**
   * How long a failing handler is retried (ms, default 30 s, back-off 100 ms doubling to 2 s)
   * before its message goes to `<topic>.dlq` with reason `handler_failed`, logged at error and
   * counted in `tollgate_kafka_dlq_messages_total` (alert on it); only then is the offset committed.
   */
  handlerRetryMs?: number;
  /** Readiness fails when no fetch from the brokers has succeeded for this long (ms, default 5 s). */
  staleAfterMs?: number;
  /** The service's registry: the group's lag and its dead letters are reported there (see `KafkaConsumerMetrics`). */
  metrics?: Registry;
}

/**
 * Consumes CloudEvents: parses the envelope and the payload of every type it has a handler for
 * (`safeParse`, never trust), sends what does not parse to `<topic>.dlq` and goes on, skips types
 * it does not handle. A handler that throws is retried for `handlerRetryMs`, then its message is
 * dead-lettered with an alert; the offset moves only once the handler succeeded or the message is
 * on the dead-letter topic, so nothing is lost (delivery is at least once: handlers must be
 * idempotent). `ready()` is the readiness check: it fails while the consumer cannot consume.
 */
export class EventConsumer {
  private readonly handlers = new Map<string, Handler>();
  private readonly log: Logger;
  private consumer: Consumer | undefined;
  private hasJoined: Promise<void> | undefined;
  private readonly metrics: KafkaConsumerMetrics | undefined;
  private unwatch: (() => void) | undefined;
  /** What readiness reports: set from the consumer's instrumentation events. */
  private state: { joined: boolean; lastFetchAt: number; crashed?: string } = { joined: false, lastFetchAt: 0 };
  private stopped = false;
  private onFirstJoin: () => void = () => undefined;

  constructor(private readonly options: EventConsumerOptions) {
    this.log = options.logger.child({ component: "event-consumer", group: options.groupId });
    this.metrics = options.metrics && KafkaConsumerMetrics.of(options.metrics);
  }

  /** Handles one of the contract's event types, with its contract schema. */
  on<K extends EventType>(type: K, handle: (event: TypedCloudEvent<EventDataByType[K]>, context: EventContext) => Promise<void>): this {
    return this.handle(type, eventDataSchemas[type] as unknown as z.ZodType<EventDataByType[K]>, handle);
  }

  /** Handles any type with the given payload schema. */
  handle<T>(type: string, schema: z.ZodType<T>, handle: (event: TypedCloudEvent<T>, context: EventContext) => Promise<void>): this {
    this.handlers.set(type, { schema, handle: handle as Handler["handle"] });
    return this;
  }

  /**
   * Connects, subscribes and runs; rejects when the first connection fails (start-up decides what
   * to do then). Afterwards the consumer looks after itself: when kafkajs gives up (its retries
   * exhausted, e.g. a broker away for longer than them) it is replaced by a fresh one, tried every
   * 0.5–5 s until the brokers answer again, for as long as it is not stopped.
   */
  async start(): Promise<void> {
    this.stopped = false;
    this.unwatch?.();
    this.unwatch = this.metrics?.watch({ kafka: this.options.kafka, groupId: this.options.groupId, topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? false });
    let resolveJoined: () => void = () => undefined;
    this.hasJoined = new Promise((resolve) => {
      resolveJoined = resolve;
    });
    this.onFirstJoin = resolveJoined;
    // Where a "from now" group starts is committed before it first joins (see pinUnsetOffsetsToEnd).
    if (!(this.options.fromBeginning ?? false)) await pinUnsetOffsetsToEnd(this.options.kafka, this.options.groupId, this.options.topics, this.log);
    await this.launch();
  }

  private async launch(): Promise<void> {
    const consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      // The broker's smallest session (group.min.session.timeout.ms): a member lost in an outage
      // holds up its group's next join at most this long once the broker is back.
      sessionTimeout: 6_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
      // kafkajs's own restart after a crash can stall for good when the broker is still away; the
      // supervision below replaces the consumer instead.
      retry: { initialRetryTime: 300, retries: 5, maxRetryTime: 2_000, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    this.state = { joined: false, lastFetchAt: 0 };
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.state = { joined: true, lastFetchAt: Date.now() };
      this.onFirstJoin();
    });
    consumer.on(consumer.events.FETCH, () => {
      this.state.lastFetchAt = Date.now();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      const error = event.payload.error;
      this.state.crashed = error instanceof Error ? error.message : String(error);
      this.log.error("consumer crashed; replacing it", { error: this.state.crashed });
      void this.replace(consumer);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? false });
    await consumer.run({
      eachMessage: async ({ topic, partition, message, heartbeat }) => this.process(topic, partition, message, heartbeat),
    });
  }

  /** Disconnects a crashed consumer and launches a new one, backing off while the brokers stay away. */
  private async replace(crashed: Consumer): Promise<void> {
    if (this.consumer !== crashed || this.stopped) return;
    await crashed.disconnect().catch(() => undefined);
    for (let attempt = 0; !this.stopped && this.consumer === crashed; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 5_000)));
      if (this.stopped) return;
      try {
        await this.launch();
        this.log.info("consumer replaced", { attempt: attempt + 1 });
        return;
      } catch (error) {
        this.log.warn("consumer could not be replaced yet", { attempt: attempt + 1, error: error instanceof Error ? error.message : String(error) });
        await this.consumer?.disconnect().catch(() => undefined);
        this.consumer = crashed;
      }
    }
  }

  /** Resolves once the consumer has joined its group (for tests and start-up ordering). */
  async joined(timeoutMs = 30_000): Promise<void> {
    if (!this.hasJoined) return Promise.reject(new Error("consumer not started"));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.hasJoined,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`group ${this.options.groupId} not joined within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Readiness: resolves while the consumer is in its group and fetching (a fetch with nothing new
   * returns every 100 ms), rejects with the reason otherwise: not joined yet, crashed, or no fetch
   * for `staleAfterMs` (the brokers are away, or a handler is stuck retrying).
   */
  async ready(): Promise<void> {
    const { joined, lastFetchAt, crashed } = this.state;
    if (!this.consumer) throw new Error("consumer not running");
    if (crashed) throw new Error(`consumer crashed: ${crashed}`);
    if (!joined) throw new Error(`not in group ${this.options.groupId} yet`);
    const since = Date.now() - lastFetchAt;
    if (since > (this.options.staleAfterMs ?? 5_000)) throw new Error(`no fetch from the brokers for ${Math.round(since / 1000)} s`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatch?.();
    this.unwatch = undefined;
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private async process(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<void> {
    const context = { topic, partition, offset: message.offset };
    let json: unknown;
    try {
      json = JSON.parse(message.value?.toString() ?? "");
    } catch {
      await this.deadLetter(context, message, "not_json", "value is not JSON");
      return;
    }
    const envelope = cloudEventSchema.safeParse(json);
    if (!envelope.success) {
      await this.deadLetter(context, message, "not_cloudevent", `not a CloudEvent: ${describe(envelope.error)}`);
      return;
    }
    const handler = this.handlers.get(envelope.data.type);
    if (!handler) {
      this.log.debug("skipping event type without a handler", { type: envelope.data.type, ...context });
      return;
    }
    const data = handler.schema.safeParse(envelope.data.data);
    if (!data.success) {
      await this.deadLetter(context, message, "bad_payload", `bad ${envelope.data.type} payload: ${describe(data.error)}`);
      return;
    }
    const failure = await this.runHandler(handler, { ...envelope.data, data: data.data }, context, heartbeat);
    if (failure === undefined) return;
    this.log.error("event handler kept failing; event sent to the dead-letter topic", { type: envelope.data.type, event_id: envelope.data.id, ...context, error: failure });
    await this.deadLetter(context, message, "handler_failed", `handler failed: ${failure}`);
  }

  /** Runs the handler until it succeeds (undefined) or `handlerRetryMs` has passed (the last error's message). */
  private async runHandler(handler: Handler, event: TypedCloudEvent<unknown>, context: EventContext, heartbeat: () => Promise<void>): Promise<string | undefined> {
    const deadline = Date.now() + (this.options.handlerRetryMs ?? 30_000);
    for (let attempt = 1; ; attempt++) {
      try {
        await handler.handle(event, context);
        return undefined;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.log.warn("event handler failed", { type: event.type, event_id: event.id, attempt, error: message });
        const delay = Math.min(100 * 2 ** (attempt - 1), 2_000);
        if (Date.now() + delay > deadline) return message;
        await new Promise((resolve) => setTimeout(resolve, delay));
        // A long retry must not cost the group its member: keep the session (6 s) alive between attempts.
        await heartbeat().catch(() => undefined);
      }
    }
  }

  private async deadLetter(context: EventContext, message: KafkaMessage, kind: DeadLetterReason, reason: string): Promise<void> {
    this.log.warn("malformed event sent to the dead-letter topic", { ...context, reason });
    const headers: IHeaders = {
      ...(message.headers ?? {}),
      dlq_reason: reason.slice(0, 500),
      dlq_source_topic: context.topic,
      dlq_source_partition: String(context.partition),
      dlq_source_offset: context.offset,
      dlq_consumer_group: this.options.groupId,
    };
    // If this send fails the message is not committed, so it is retried rather than lost.
    await this.options.deadLetterProducer.send({
      topic: deadLetterTopic(context.topic),
      messages: [{ key: message.key, value: message.value, headers }],
    });
    this.metrics?.deadLettered(context.topic, kind);
  }
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

/**
 * Consumer groups. `shared`: instances of a service split the partitions (work queues, e.g. the
 * token service revoking a disabled user's tokens). `per-instance`: every instance sees every
 * event (caches, sockets, tunnels).
 */
export function consumerGroupId(service: string, purpose: string, mode: "shared" | "per-instance", instanceId: string): string {
  return mode === "shared" ? `${service}.${purpose}` : `${service}.${purpose}.${instanceId}`;
}
