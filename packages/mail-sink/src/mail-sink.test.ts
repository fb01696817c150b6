import { connect, type Socket } from "node:net";
import { startMailSink, type MailSink } from "./mail-sink";
import { MAX_MESSAGE_BYTES } from "./smtp-listener";
import type { SunkMessage } from "./message-store";

/** A plain SMTP client, one command at a time, as RFC 5321 describes the dialogue. */
class SmtpDialogue {
  private buffer = "";
  private waiting: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      this.waiting?.();
    });
  }

  static async open(port: number): Promise<{ dialogue: SmtpDialogue; greeting: string }> {
    const socket = connect(port, "127.0.0.1");
    await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const dialogue = new SmtpDialogue(socket);
    return { dialogue, greeting: await dialogue.reply() };
  }

  /** The next complete reply (the last line of a multi-line one has a space after the code). */
  async reply(): Promise<string> {
    for (;;) {
      const end = /^\d{3} .*\r\n/m.exec(this.buffer);
      if (end) {
        const length = end.index + end[0].length;
        const text = this.buffer.slice(0, length);
        this.buffer = this.buffer.slice(length);
        return text;
      }
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  async send(from: string, to: string[], message: string): Promise<string> {
    expect(await this.command("EHLO test.example")).toMatch(/^250/);
    expect(await this.command(`MAIL FROM:<${from}>`)).toMatch(/^250/);
    for (const recipient of to) expect(await this.command(`RCPT TO:<${recipient}>`)).toMatch(/^250/);
    expect(await this.command("DATA")).toMatch(/^354/);
    // Dot-stuffing: a line that starts with '.' gets another one (RFC 5321 §4.5.2).
    return this.command(`${message.replace(/\r?\n/g, "\r\n").replace(/^\./gm, "..")}\r\n.`);
  }

  close(): void {
    this.socket.end("QUIT\r\n");
  }
}

const multipart = (to: string, subject: string) =>
  [
    "From: Tollgate <no-reply@tollgate.localhost>",
    `To: ${to}`,
    `Subject: ${subject}`,
    "Message-ID: <m1@tollgate.localhost>",
    "MIME-Version: 1.0",
    'Content-Type: multipart/alternative; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Open http://127.0.0.1:8080/verify#token=abc",
    ".a line starting with a dot",
    "--b1",
    "Content-Type: text/html; charset=utf-8",
    "",
    '<p><a href="http://127.0.0.1:8080/verify#token=abc">Verify</a></p>',
    "--b1--",
  ].join("\n");

describe("the mail sink over SMTP and HTTP", () => {
  let sink: MailSink;
  const api = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${sink.httpUrl}${path}`, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text && res.headers.get("content-type")?.includes("json") ? (JSON.parse(text) as Record<string, unknown>) : text };
  };

  beforeAll(async () => {
    sink = await startMailSink({ smtpPort: 0, httpPort: 0, maxMessages: 20 });
  });

  afterAll(async () => {
    await sink.close();
  });

  beforeEach(async () => {
    expect((await api("/messages", { method: "DELETE" })).status).toBe(204);
  });

  it("when a multipart mail is sent without AUTH or TLS, then it is accepted and served parsed: envelope, headers, text and HTML", async () => {
    const { dialogue, greeting } = await SmtpDialogue.open(sink.smtpPort);
    expect(greeting).toMatch(/^220 /);
    expect(await dialogue.send("no-reply@tollgate.localhost", ["Ada@Example.test"], multipart("Ada <Ada@Example.test>", "Verify your address"))).toMatch(/^250/);
    dialogue.close();

    const listed = await api("/messages?to=ada@example.test");
    expect(listed.status).toBe(200);
    const [message] = (listed.body as { messages: SunkMessage[] }).messages;
    expect(message).toMatchObject({
      envelope_from: "no-reply@tollgate.localhost",
      envelope_to: ["ada@example.test"],
      from: "\"Tollgate\" <no-reply@tollgate.localhost>",
      to: ["ada@example.test"],
      subject: "Verify your address",
      message_id: "<m1@tollgate.localhost>",
      text: "Open http://127.0.0.1:8080/verify#token=abc\n.a line starting with a dot",
      html: '<p><a href="http://127.0.0.1:8080/verify#token=abc">Verify</a></p>',
    });
    expect(Date.parse(message!.received_at)).toBeGreaterThan(Date.now() - 60_000);
    const single = await api(`/messages/${message!.id}`);
    expect(single.body).toEqual(message);
  });

  it("when several mails arrive for several people, then each address sees its own, newest first, and limit cuts the list", async () => {
    const { dialogue } = await SmtpDialogue.open(sink.smtpPort);
    for (const [to, subject] of [["ada@example.test", "first"], ["grace@example.test", "other"], ["ada@example.test", "second"]] as const) {
      expect(await dialogue.send("x@example.test", [to], `To: ${to}\nSubject: ${subject}\n\nbody`)).toMatch(/^250/);
      expect(await dialogue.command("RSET")).toMatch(/^250/);
    }
    dialogue.close();
    const subjects = async (query: string) => ((await api(`/messages${query}`)).body as { messages: SunkMessage[] }).messages.map((m) => m.subject);
    expect(await subjects("?to=ada@example.test")).toEqual(["second", "first"]);
    expect(await subjects("?to=ada@example.test&limit=1")).toEqual(["second"]);
    expect(await subjects("")).toEqual(["second", "other", "first"]);
    const page = await api("/");
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.body).toContain("<h2>second</h2>");
  });

  it("when a mail is larger than the sink accepts, then SMTP refuses it with 552 and nothing is stored", async () => {
    const { dialogue } = await SmtpDialogue.open(sink.smtpPort);
    const reply = await dialogue.send("x@example.test", ["big@example.test"], `Subject: big\n\n${"x".repeat(76)}\n`.repeat(Math.ceil(MAX_MESSAGE_BYTES / 70)));
    dialogue.close();
    expect(reply).toMatch(/^552/);
    expect(((await api("/messages?to=big@example.test")).body as { messages: unknown[] }).messages).toEqual([]);
  });

  it("when a request is wrong, then the answer is the standard error body: unknown message 404, bad limit 422, wrong method 405 with Allow", async () => {
    const expectError = (response: Awaited<ReturnType<typeof api>>, status: number, code: string) => {
      expect(response.status).toBe(status);
      expect(response.body).toEqual({ detail: expect.any(String), error_code: code, status_code: status, timestamp: expect.any(String), request_id: expect.any(String) });
    };
    expectError(await api("/messages/00000000-0000-4000-8000-000000000000"), 404, "MESSAGE_NOT_FOUND");
    expectError(await api("/messages/%ff"), 400, "BAD_REQUEST");
    expectError(await api("/messages?limit=0"), 422, "VALIDATION_ERROR");
    expectError(await api("/messages?limit=ten"), 422, "VALIDATION_ERROR");
    expectError(await api("/elsewhere"), 404, "NOT_FOUND");
    const wrongMethod = await api("/messages", { method: "POST" });
    expectError(wrongMethod, 405, "METHOD_NOT_ALLOWED");
    expect(wrongMethod.headers.get("allow")).toBe("GET, DELETE");
    const echoed = await api("/nowhere", { headers: { "x-request-id": "req-12345678" } });
    expect((echoed.body as { request_id: string }).request_id).toBe("req-12345678");
    expect((await api("/health/ready")).body).toEqual({ status: "ready", checks: { smtp: "ok" } });
  });
});
