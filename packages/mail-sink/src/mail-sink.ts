import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { SMTPServer } from "smtp-server";
import { mailSinkHttpApi } from "./http-api";
import { MessageStore } from "./message-store";
import { createSmtpListener } from "./smtp-listener";

export interface MailSinkOptions {
  /** Interface for both listeners; loopback by default (the sink accepts mail from anyone who reaches it). */
  host?: string;
  /** SMTP port; 0 takes a free one. */
  smtpPort: number;
  /** HTTP port; 0 takes a free one. */
  httpPort: number;
  /** How many mails to keep (the newest). */
  maxMessages: number;
  /** Told about a listener error or a mail that could not be parsed; the sink goes on. */
  onError?: (error: Error) => void;
}

export interface MailSink {
  /** `smtp://<host>:<port>`, what a sender's SMTP URL is set to. */
  smtpUrl: string;
  /** `http://<host>:<port>`, where the mails are read. */
  httpUrl: string;
  smtpPort: number;
  httpPort: number;
  store: MessageStore;
  /** Stops both listeners (open SMTP sessions and HTTP connections are closed). */
  close(): Promise<void>;
}

function listenSmtp(server: SMTPServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const netServer = server.server;
    netServer.once("error", reject);
    server.listen(port, host, () => {
      netServer.off("error", reject);
      resolve((netServer.address() as AddressInfo).port);
    });
  });
}

function listenHttp(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

const urlHost = (host: string) => (host.includes(":") ? `[${host}]` : host);

/** A local SMTP sink: every mail accepted, parsed, the newest `maxMessages` kept and served over HTTP. */
export async function startMailSink(options: MailSinkOptions): Promise<MailSink> {
  const host = options.host ?? "127.0.0.1";
  const onError = options.onError ?? (() => undefined);
  const store = new MessageStore(options.maxMessages);
  const smtp = createSmtpListener(store, onError);
  const http = createServer(mailSinkHttpApi(store));
  const smtpPort = await listenSmtp(smtp, options.smtpPort, host);
  let httpPort: number;
  try {
    httpPort = await listenHttp(http, options.httpPort, host);
  } catch (error) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw error;
  }
  return {
    smtpUrl: `smtp://${urlHost(host)}:${smtpPort}`,
    httpUrl: `http://${urlHost(host)}:${httpPort}`,
    smtpPort,
    httpPort,
    store,
    async close() {
      http.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => smtp.close(() => resolve())), new Promise<void>((resolve) => http.close(() => resolve()))]);
    },
  };
}
