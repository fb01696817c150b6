import { loadMailSinkConfig, MailSinkConfigError } from "./config";

describe("mail sink configuration", () => {
  it("when nothing is set, then it listens on loopback, SMTP 1025, HTTP 8025, keeping 500 mails", () => {
    expect(loadMailSinkConfig({})).toEqual({ host: "127.0.0.1", smtpPort: 1025, httpPort: 8025, maxMessages: 500 });
  });

  it("when values are set, then they are used; a malformed one is refused naming its variable", () => {
    expect(loadMailSinkConfig({ MAIL_SINK_SMTP_PORT: "0", MAIL_SINK_HTTP_PORT: "18025", MAIL_SINK_MAX_MESSAGES: "5" })).toMatchObject({ smtpPort: 0, httpPort: 18025, maxMessages: 5 });
    expect(() => loadMailSinkConfig({ MAIL_SINK_SMTP_PORT: "70000" })).toThrow(new MailSinkConfigError('MAIL_SINK_SMTP_PORT must be an integer from 0 to 65535, got "70000"'));
    expect(() => loadMailSinkConfig({ MAIL_SINK_MAX_MESSAGES: "0" })).toThrow(/MAIL_SINK_MAX_MESSAGES/);
    expect(() => loadMailSinkConfig({ MAIL_SINK_HTTP_PORT: "80a" })).toThrow(/MAIL_SINK_HTTP_PORT/);
    expect(() => loadMailSinkConfig({ MAIL_SINK_HOST: "a host; rm" })).toThrow(/MAIL_SINK_HOST/);
  });
});
