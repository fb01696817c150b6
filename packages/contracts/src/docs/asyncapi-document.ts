import { z } from "zod";
import { cloudEventSchema, eventDataSchemas } from "../events";
import { deadLetterTopic, type EventType } from "../events/topics";
import { clientMessageSchema, connectFourActionSchema, serverMessageSchema } from "../ws/game-messages";
import { exampleIds, exampleTimes } from "./api-examples";
import { eventFlows, type EventFlow } from "./event-flows";
import { clientMessageSummaries, gameSocketDescription, serverMessageSummaries } from "./game-socket-protocol";
import { toJsonSchemas, type JsonSchema } from "./json-schema";
import { clientMessageExamples, eventDataExamples, serverMessageExamples } from "./message-examples";

export type AsyncApiDocument = Record<string, unknown> & { asyncapi: "3.1.0" };

const SCHEMAS = "#/components/schemas/";
const KAFKA_BINDING = "0.5.0";
const WS_BINDING = "0.1.0";

/** Which service writes each CloudEvents `source`. */
const eventSources: Record<string, string> = { token: "/tollgate/token", auth: "/tollgate/auth", billing: "/tollgate/billing" };

/** `tollgate.token.activated.v1` → `TokenActivatedV1`; `game:opponent_disconnected` → `GameOpponentDisconnected`. */
function pascalName(name: string): string {
  return name
    .replace(/^tollgate\./, "")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

const camel = (name: string): string => pascalName(name).replace(/^./, (first) => first.toLowerCase());
const ref = ($ref: string) => ({ $ref });

let cached: AsyncApiDocument | undefined;

/**
 * The AsyncAPI 3 document of everything Tollgate says outside HTTP: the Kafka events (CloudEvents
 * 1.0 structured JSON; each type's payload; topics, keys, producers, consumers and dead-letter
 * topics) and the `/ws/game` protocol, every message generated from the zod contracts. Built once.
 */
export function buildAsyncApiDocument(): AsyncApiDocument {
  cached ??= build();
  return cached;
}

function build(): AsyncApiDocument {
  const types = Object.keys(eventDataSchemas) as EventType[];
  const clientOptions = clientMessageSchema.options;
  const serverOptions = serverMessageSchema.options;
  const wsType = (option: (typeof clientOptions)[number] | (typeof serverOptions)[number]): string => option.shape.type.value;

  const named: Record<string, z.ZodType> = { ConnectFourAction: connectFourActionSchema };
  for (const type of types) {
    named[pascalName(type)] = eventDataSchemas[type];
    named[`${pascalName(type)}Event`] = cloudEventSchema.extend({ type: z.literal(type), data: eventDataSchemas[type] });
  }
  for (const option of clientOptions) named[`${pascalName(wsType(option))}Message`] = option;
  for (const option of serverOptions) named[`${pascalName(wsType(option))}Message`] = option;
  if (Object.keys(named).length !== 1 + types.length * 2 + clientOptions.length + serverOptions.length) throw new Error("two messages share a name");
  const schemas: Record<string, JsonSchema> = {
    ...toJsonSchemas(named, { io: "output", target: "draft-07", refPrefix: SCHEMAS }),
    DeadLetterHeaders: deadLetterHeaders,
  };

  const messages: Record<string, unknown> = { deadLetter: deadLetterMessage };
  for (const type of types) messages[camel(type)] = eventMessage(type);
  for (const option of clientOptions) messages[camel(wsType(option))] = wsMessage(wsType(option), "client");
  for (const option of serverOptions) messages[camel(wsType(option))] = wsMessage(wsType(option), "server");
  if (Object.keys(messages).length !== 1 + types.length + clientOptions.length + serverOptions.length) throw new Error("two messages share a key");

  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const flow of eventFlows) addEventFlow(flow, channels, operations);
  addGameSocket(clientOptions.map(wsType), serverOptions.map(wsType), channels, operations);

  return {
    asyncapi: "3.1.0",
    info: {
      title: "Tollgate events and game socket",
      version: "1.0.0",
      description: [
        "What Tollgate's services say to each other over Kafka, and what a game client and the game-realtime service say over `/ws/game`. Generated from the zod contracts in `@tollgate/contracts`, the schemas every producer, consumer and socket parses with.",
        "",
        "**Events** are CloudEvents 1.0 in structured JSON mode: `specversion`, `id`, `source`, `type` (versioned: `…v1`), `time`, `subject`, `datacontenttype`, `correlationid` (the request id that caused the event) and `data`, whose schema is the type's. Producers write them to an outbox in the same transaction as the change and a relay publishes them (at least once, in order per key); consumers are idempotent (by event id). A message that is not JSON, not a CloudEvent, or whose data does not match its type goes to `<topic>.dlq` and the consumer goes on. With `KAFKA_TOPIC_NAMESPACE` set, every topic name carries that prefix.",
      ].join("\n"),
      license: { name: "Apache-2.0", url: "https://www.apache.org/licenses/LICENSE-2.0" },
      tags: [
        { name: "kafka", description: "Events between services" },
        { name: "websocket", description: "The game protocol" },
        ...["auth", "token", "proxy", "game-realtime"].map((name) => ({ name, description: `The ${name} service` })),
      ],
    },
    defaultContentType: "application/json",
    servers: {
      kafka: {
        host: "127.0.0.1:9092",
        protocol: "kafka",
        protocolVersion: "3.9",
        description: "The local stack's broker (KAFKA_BROKERS in each service's environment).",
      },
      gateway: {
        host: "127.0.0.1:8080",
        protocol: "ws",
        description: "The local stack's gateway; behind TLS in production (wss).",
      },
    },
    channels,
    operations,
    components: { schemas, messages },
  };
}

function eventMessage(type: EventType): Record<string, unknown> {
  const flow = eventFlows.find((candidate) => candidate.types.includes(type));
  if (!flow) throw new Error(`no topic carries ${type}`);
  const data = eventDataExamples[type];
  return {
    name: type,
    title: type,
    summary: `A ${type} event (CloudEvents 1.0, structured JSON), produced by the ${flow.producer} service.`,
    contentType: "application/json",
    payload: ref(`${SCHEMAS}${pascalName(type)}Event`),
    correlationId: { description: "The id of the request that caused the event, when there was one.", location: "$message.payload#/correlationid" },
    bindings: { kafka: { key: { type: "string", format: "uuid", description: `The message key: ${flow.key}.` }, bindingVersion: KAFKA_BINDING } },
    examples: [
      {
        name: camel(type),
        payload: {
          specversion: "1.0",
          id: exampleIds.event,
          source: eventSources[flow.producer],
          type,
          time: exampleTimes.now,
          subject: "token_id" in data ? data.token_id : "session_id" in data ? data.session_id : data.user_id,
          datacontenttype: "application/json",
          correlationid: exampleIds.requestId,
          data,
        },
      },
    ],
  };
}

const deadLetterHeaders: JsonSchema = {
  type: "object",
  description: "Kafka headers a consumer adds to the original message's own.",
  properties: {
    dlq_reason: { type: "string", maxLength: 500, description: "Why the message could not be handled (not JSON, not a CloudEvent, or data that does not match its type)." },
    dlq_source_topic: { type: "string" },
    dlq_source_partition: { type: "string" },
    dlq_source_offset: { type: "string" },
    dlq_consumer_group: { type: "string" },
  },
  required: ["dlq_reason", "dlq_source_topic", "dlq_source_partition", "dlq_source_offset", "dlq_consumer_group"],
};

const deadLetterMessage = {
  name: "dead-letter",
  title: "A message a consumer could not parse",
  summary: "The original key and value, unchanged (the value may not even be JSON), with headers saying why and where it came from.",
  contentType: "application/octet-stream",
  headers: ref(`${SCHEMAS}DeadLetterHeaders`),
  payload: { description: "The original message value, byte for byte." },
};

function addEventFlow(flow: EventFlow, channels: Record<string, unknown>, operations: Record<string, unknown>): void {
  const id = camel(flow.topic);
  const dlqId = `${id}Dlq`;
  const messageKeys = flow.types.map(camel);
  channels[id] = {
    address: flow.topic,
    title: flow.topic,
    description: `Produced by ${flow.producer}, keyed by ${flow.key}; consumed by ${flow.consumers.map((consumer) => consumer.service).join(", ")}.`,
    servers: [ref("#/servers/kafka")],
    messages: Object.fromEntries(messageKeys.map((key) => [key, ref(`#/components/messages/${key}`)])),
    bindings: { kafka: { topic: flow.topic, bindingVersion: KAFKA_BINDING } },
  };
  channels[dlqId] = {
    address: deadLetterTopic(flow.topic),
    title: deadLetterTopic(flow.topic),
    description: `Messages of ${flow.topic} that a consumer could not parse; nobody consumes them automatically (inspect and replay by hand).`,
    servers: [ref("#/servers/kafka")],
    messages: { deadLetter: ref("#/components/messages/deadLetter") },
    bindings: { kafka: { topic: deadLetterTopic(flow.topic), bindingVersion: KAFKA_BINDING } },
  };
  operations[`${camel(flow.producer)}Publishes${pascalName(flow.topic)}`] = {
    action: "send",
    channel: ref(`#/channels/${id}`),
    title: `${flow.producer} publishes ${flow.topic}`,
    summary: `Written to ${flow.producer}'s outbox in the transaction of the change, then published by its relay (idempotent producer), keyed by ${flow.key}.`,
    tags: [{ name: flow.producer }, { name: "kafka" }],
    messages: messageKeys.map((key) => ref(`#/channels/${id}/messages/${key}`)),
  };
  for (const consumer of flow.consumers) {
    // A service may consume one topic twice, in a per-instance group and in a shared one.
    const name = `${camel(consumer.service)}Consumes${pascalName(flow.topic)}`;
    operations[name in operations ? `${name}InSharedGroup` : name] = {
      action: "receive",
      channel: ref(`#/channels/${id}`),
      title: `${consumer.service} consumes ${flow.topic}`,
      summary: `${consumer.service} ${consumer.does}.`,
      description:
        consumer.group === "per-instance"
          ? "Every instance consumes in a consumer group of its own, so each sees every event (it holds per-instance state). Other types on the topic are skipped."
          : "The instances share one consumer group; the effect and the event id are recorded in one transaction, so a redelivered event changes nothing. Other types on the topic are skipped.",
      tags: [{ name: consumer.service }, { name: "kafka" }],
      messages: consumer.handles.map((type) => ref(`#/channels/${id}/messages/${camel(type)}`)),
    };
  }
  // A service may consume a topic in two groups (per instance and shared): name it once.
  const deadLetterers = [...new Set(flow.consumers.map((consumer) => consumer.service))];
  operations[`deadLetters${pascalName(flow.topic)}`] = {
    action: "send",
    channel: ref(`#/channels/${dlqId}`),
    title: `Consumers of ${flow.topic} dead-letter what they cannot parse`,
    summary: `${deadLetterers.join(", ")} send a message they cannot parse to ${deadLetterTopic(flow.topic)} and go on.`,
    tags: [...deadLetterers.map((service) => ({ name: service })), { name: "kafka" }],
    messages: [ref(`#/channels/${dlqId}/messages/deadLetter`)],
  };
}

function wsMessage(type: string, from: "client" | "server"): Record<string, unknown> {
  const summary = from === "client" ? clientMessageSummaries[type as keyof typeof clientMessageSummaries] : serverMessageSummaries[type as keyof typeof serverMessageSummaries];
  const example = from === "client" ? clientMessageExamples[type as keyof typeof clientMessageExamples] : serverMessageExamples[type as keyof typeof serverMessageExamples];
  return {
    name: type,
    title: `${type} (${from === "client" ? "client to server" : "server to client"})`,
    summary,
    contentType: "application/json",
    payload: ref(`${SCHEMAS}${pascalName(type)}Message`),
    examples: [{ name: camel(type), payload: example }],
  };
}

function addGameSocket(clientTypes: string[], serverTypes: string[], channels: Record<string, unknown>, operations: Record<string, unknown>): void {
  channels.gameSocket = {
    address: "/ws/game",
    title: "/ws/game",
    description: gameSocketDescription,
    servers: [ref("#/servers/gateway")],
    messages: Object.fromEntries([...clientTypes, ...serverTypes].map((type) => [camel(type), ref(`#/components/messages/${camel(type)}`)])),
    bindings: {
      ws: {
        method: "GET",
        headers: {
          type: "object",
          properties: { Authorization: { type: "string", pattern: "^Bearer \\S+$", description: "A user's access token; without it, send an auth message within 5 s." } },
        },
        bindingVersion: WS_BINDING,
      },
    },
  };
  operations.gameRealtimeReceivesClientMessages = {
    action: "receive",
    channel: ref("#/channels/gameSocket"),
    title: "game-realtime receives a client's messages",
    summary: "What a game client may send; anything else is answered with `error invalid_message`.",
    tags: [{ name: "game-realtime" }, { name: "websocket" }],
    messages: clientTypes.map((type) => ref(`#/channels/gameSocket/messages/${camel(type)}`)),
  };
  operations.gameRealtimeSendsServerMessages = {
    action: "send",
    channel: ref("#/channels/gameSocket"),
    title: "game-realtime sends these to its clients",
    summary: "What a game client receives, from whichever instance holds the game's other player (Redis fan-out).",
    tags: [{ name: "game-realtime" }, { name: "websocket" }],
    messages: serverTypes.map((type) => ref(`#/channels/gameSocket/messages/${camel(type)}`)),
  };
}
