import {
  cloudEventSchema,
  clientMessageSchema,
  errorBodySchema,
  eventDataSchemas,
  eventTypes,
  purchaseTokenRequestSchema,
  registerRequestSchema,
  serverMessageSchema,
  WS_SERVICE_UNAVAILABLE,
} from "./index";

describe("contracts", () => {
  it("when duration_hours is not one of the offered durations, then the purchase body is refused", () => {
    expect(purchaseTokenRequestSchema.safeParse({ duration_hours: 24 }).success).toBe(true);
    for (const duration_hours of [0, 2, 48, 721, "24", null]) {
      expect(purchaseTokenRequestSchema.safeParse({ duration_hours }).success).toBe(false);
    }
  });

  it("when a body carries an unknown field, then it is refused rather than ignored", () => {
    const body = { email: "a@example.com", username: "alice", password: "correct horse battery", admin: true };
    expect(registerRequestSchema.safeParse(body).success).toBe(false);
  });

  it("when an envelope misses specversion, then it does not parse", () => {
    const event = { id: "1", source: "/auth", type: eventTypes.userDisabled, time: new Date().toISOString(), data: {} };
    expect(cloudEventSchema.safeParse(event).success).toBe(false);
    expect(cloudEventSchema.safeParse({ ...event, specversion: "1.0" }).success).toBe(true);
  });

  it("when an event type is known, then its payload schema checks the data", () => {
    const schema = eventDataSchemas[eventTypes.sessionRevoked];
    const ok = schema.safeParse({
      session_id: "5b0b3c8e-6a8e-4d5c-9a36-1f0c2c0f8b11",
      user_id: "9d5b7c1e-2f3a-4b5c-8d6e-7f8091a2b3c4",
      reason: "logout",
      revoked_at: new Date().toISOString(),
    });
    expect(ok.success).toBe(true);
    expect(schema.safeParse({ session_id: "nope", reason: "logout" }).success).toBe(false);
  });

  it("when a client sends an unknown message type, then it does not parse", () => {
    expect(clientMessageSchema.safeParse({ type: "game:cheat" }).success).toBe(false);
    expect(clientMessageSchema.safeParse({ type: "game:heartbeat" }).success).toBe(true);
  });

  it("when a game socket could not be checked because a dependency is down, then auth_error SERVICE_UNAVAILABLE carries when to retry", () => {
    const message = { type: "auth_error", code: WS_SERVICE_UNAVAILABLE, message: "redis is unavailable, try again shortly", retry_after: 2 };
    expect(serverMessageSchema.parse(message)).toEqual(message);
    expect(serverMessageSchema.safeParse({ ...message, retry_after: 0 }).success).toBe(false);
    expect(serverMessageSchema.safeParse({ type: "error", code: WS_SERVICE_UNAVAILABLE, message: "m", ref: "game:join", retry_after: 2 }).success).toBe(true);
  });

  it("when an error body has every field, then it parses", () => {
    const body = { detail: "x", error_code: "NOT_FOUND", status_code: 404, timestamp: new Date().toISOString(), request_id: "r" };
    expect(errorBodySchema.parse(body)).toEqual(body);
  });
});
