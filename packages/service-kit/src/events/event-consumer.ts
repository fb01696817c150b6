import { cloudEventSchema, deadLetterTopic, eventDataSchemas, type EventDataByType, type EventType, type TypedCloudEvent } from "@tollgate/contracts";
import type { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from "kafkajs";
import type { Registry } from "prom-client";
import type { z } from "zod";
import type { Logger } from "../logger";
import { KafkaConsumerMetrics, type DeadLetterReason } from "./consumer-metrics";

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
  /** Attempts of a failing handler before the message is handed back to kafkajs to retry later. */
  handlerAttempts?: number;
  /** The service's registry: the group's lag and its dead letters are reported there (see `KafkaConsumerMetrics`). */
  metrics?: Registry;
}

/**
 * Consumes CloudEvents: parses the envelope and the payload of every type it has a handler for
 * (`safeParse`, never trust), sends what does not parse to `<topic>.dlq` and goes on, skips types
 * it does not handle. A handler that throws is retried; the offset only moves once it succeeds,
 * so nothing is lost (delivery is at least once: handlers must be idempotent).
 */
export class EventConsumer {
  private readonly handlers = new Map<string, Handler>();
  private readonly log: Logger;
  private consumer: Consumer | undefined;
  private hasJoined: Promise<void> | undefined;
  private readonly metrics: KafkaConsumerMetrics | undefined;
  private unwatch: (() => void) | undefined;

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

  async start(): Promise<void> {
    const consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: 15_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 100,
      retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 10_000 },
    });
    this.consumer = consumer;
    this.unwatch?.();
    this.unwatch = this.metrics?.watch({ kafka: this.options.kafka, groupId: this.options.groupId, topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? false });
    this.hasJoined = new Promise((resolve) => {
      const remove = consumer.on(consumer.events.GROUP_JOIN, () => {
        remove();
        resolve();
      });
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? false });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => this.process(topic, partition, message),
    });
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

  async stop(): Promise<void> {
    this.unwatch?.();
    this.unwatch = undefined;
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private async process(topic: string, partition: number, message: KafkaMessage): Promise<void> {
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
    await this.runHandler(handler, { ...envelope.data, data: data.data }, context);
  }

  private async runHandler(handler: Handler, event: TypedCloudEvent<unknown>, context: EventContext): Promise<void> {
    const attempts = this.options.handlerAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        await handler.handle(event, context);
        return;
      } catch (error) {
        this.log.warn("event handler failed", { type: event.type, event_id: event.id, attempt, error: error instanceof Error ? error.message : String(error) });
        // Past the last attempt kafkajs takes over: it retries the same offset with its own back-off.
        if (attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
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
