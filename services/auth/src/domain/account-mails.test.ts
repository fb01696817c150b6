import { composeAccountMail, describeDuration } from "./account-mails";

const settings = { publicBaseUrl: "https://tollgate.example", ttlSeconds: { email_verification: 86_400, password_reset: 1800 } };
const token = "Xq3v9KmT2wLp8RnZ4bHc7Fj1Ya6Ue0Sg5Ri2Oy7Mn4B";

describe("account mails", () => {
  it("when a verification mail is composed, then text and HTML carry the link with the token in its fragment, the CLI command and the lifetime", () => {
    const mail = composeAccountMail("email_verification", { email: "ada@example.test", username: "ada" }, token, settings);
    expect(mail.to).toBe("ada@example.test");
    expect(mail.subject).toBe("Confirm your e-mail address for Tollgate");
    const link = `https://tollgate.example/api/v1/auth/email/verify#token=${token}`;
    expect(mail.text).toContain(`\n${link}\n`);
    expect(mail.text).toContain(`tollgate verify-email ${token}`);
    expect(mail.text).toContain("within 24 hours");
    expect(mail.html).toContain(`<a href="${link}">Confirm my e-mail address</a>`);
  });

  it("when a reset mail is composed, then it says the link works once, ends every session, and what to do if it was not asked for", () => {
    const mail = composeAccountMail("password_reset", { email: "ada@example.test", username: "ada" }, token, settings);
    expect(mail.subject).toBe("Reset your Tollgate password");
    expect(mail.text).toContain(`https://tollgate.example/api/v1/auth/password/reset#token=${token}`);
    expect(mail.text).toContain(`tollgate password reset --token ${token}`);
    expect(mail.text).toContain("within 30 minutes");
    expect(mail.text).toContain("signs out every session");
    expect(mail.text).toContain("If you did not ask for this");
  });

  it("when a username holds markup, then the HTML part escapes it", () => {
    const mail = composeAccountMail("email_verification", { email: "ada@example.test", username: "<b>ada" }, token, settings);
    expect(mail.html).toContain("Hello &#60;b&#62;ada,");
    expect(mail.html).not.toContain("<b>ada");
  });

  it.each([
    [86_400, "24 hours"],
    [172_800, "2 days"],
    [3600, "1 hour"],
    [1800, "30 minutes"],
    [90, "90 seconds"],
    [60, "1 minute"],
  ])("when a lifetime of %i s is described, then it reads %s", (seconds, text) => {
    expect(describeDuration(seconds)).toBe(text);
  });
});
