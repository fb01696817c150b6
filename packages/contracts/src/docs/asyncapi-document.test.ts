import { cloudEventSchema, eventDataSchemas } from "../events";
import { deadLetterTopic, eventTypes, topics } from "../events/topics";
import { clientMessageSchema, serverMessageSchema } from "../ws/game-messages";
import { buildAsyncApiDocument } from "./asyncapi-document";
import { eventFlows } from "./event-flows";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function resolve(document: Json, pointer: string): unknown {
  return pointer
    .replace(/^#\//, "")
    .split("/")
    .reduce<unknown>((node, part) => (node as Json | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")], document);
}

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => (key === "$ref" && typeof item === "string" ? [item] : refsIn(item)));
}

describe("the AsyncAPI document generated from the contracts", () => {
  const document = buildAsyncApiDocument() as Json;
  const channelOf = (address: string): Json => Object.values(document.channels as Json).find((channel: Json) => channel.address === address);
  const messagesOf = (channel: Json): Json[] => Object.values(channel.messages as Json).map((message: Json) => resolve(document, message.$ref) as Json);

  it("when any $ref is followed, then it lands on something in the document", () => {
    for (const target of refsIn(document)) expect({ target, found: resolve(document, target) !== undefined }).toEqual({ target, found: true });
  });

  it("when an event type exists, then exactly one topic carries it, as a CloudEvent whose type is fixed and whose data is the type's payload", () => {
    for (const type of Object.values(eventTypes)) {
      const carriers = Object.values(topics).filter((topic) => messagesOf(channelOf(topic)).some((message) => message.name === type));
      expect({ type, carriers: carriers.length }).toEqual({ type, carriers: 1 });
      const message = messagesOf(channelOf(carriers[0]!)).find((candidate) => candidate.name === type)!;
      const envelope = resolve(document, message.payload.$ref) as Json;
      expect(envelope.properties.type).toEqual({ type: "string", const: type });
      expect(envelope.required).toEqual(expect.arrayContaining(["specversion", "id", "source", "type", "time", "data"]));
      expect(resolve(document, envelope.properties.data.$ref)).toBeDefined();
    }
  });

  it("when a topic exists, then so does its dead-letter topic, and the producer and every consumer of the Events table have an operation", () => {
    for (const flow of eventFlows) {
      expect(channelOf(flow.topic)).toBeDefined();
      expect(channelOf(deadLetterTopic(flow.topic))).toBeDefined();
      const operations = Object.values(document.operations as Json).filter((operation: Json) => resolve(document, operation.channel.$ref) === channelOf(flow.topic));
      expect(operations.filter((operation: Json) => operation.action === "send").map((operation: Json) => operation.tags[0].name)).toEqual([flow.producer]);
      expect(operations.filter((operation: Json) => operation.action === "receive").map((operation: Json) => operation.tags[0].name)).toEqual(flow.consumers.map((consumer) => consumer.service));
    }
  });

  it("when the game protocol has a message type, then /ws/game carries it: client ones as received, server ones as sent by game-realtime", () => {
    const socket = channelOf("/ws/game");
    const names = (action: string) =>
      (Object.values(document.operations as Json).find((operation: Json) => operation.action === action && operation.channel.$ref === "#/channels/gameSocket") as Json).messages.map(
        (message: Json) => (resolve(document, (resolve(document, message.$ref) as Json).$ref) as Json).name,
      );
    expect(names("receive")).toEqual(clientMessageSchema.options.map((option) => option.shape.type.value));
    expect(names("send")).toEqual(serverMessageSchema.options.map((option) => option.shape.type.value));
    expect(messagesOf(socket)).toHaveLength(clientMessageSchema.options.length + serverMessageSchema.options.length);
  });

  it("when a message has an example, then the contract's own schema accepts it", () => {
    for (const message of Object.values(document.components.messages as Json) as Json[]) {
      for (const example of message.examples ?? []) {
        const payload = example.payload as Json;
        if (message.payload.$ref.endsWith("Event")) {
          expect(cloudEventSchema.safeParse(payload).success).toBe(true);
          expect(eventDataSchemas[payload.type as keyof typeof eventDataSchemas].safeParse(payload.data).success).toBe(true);
        } else {
          const schema = message.title.includes("client to server") ? clientMessageSchema : serverMessageSchema;
          expect({ name: message.name, parsed: schema.safeParse(payload).success }).toEqual({ name: message.name, parsed: true });
        }
      }
    }
  });
});
