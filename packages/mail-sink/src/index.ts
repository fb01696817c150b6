/**
 * @tollgate/mail-sink — a local SMTP sink for development and tests: accepts every mail on a
 * loopback port, keeps the newest in memory and serves them over HTTP (`GET /messages?to=`).
 * `main.ts` runs it as a process (`npm start` does); `startMailSink` runs it in-process.
 */
export { loadMailSinkConfig, MailSinkConfigError, type MailSinkConfig } from "./config";
export { mailSinkHttpApi } from "./http-api";
export { startMailSink, type MailSink, type MailSinkOptions } from "./mail-sink";
export { MessageStore, type NewSunkMessage, type SunkMessage } from "./message-store";
export { MAX_MESSAGE_BYTES } from "./smtp-listener";
