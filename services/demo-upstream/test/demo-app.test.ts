import request from "supertest";
import { createDemoApp } from "../src/app";

describe("demo upstream", () => {
  const app = createDemoApp(() => "http://upstream.test:3999");

  it("when the home page is fetched, then it links with absolute and root-relative URLs", async () => {
    const res = await request(app).get("/");
    expect(res.text).toContain('href="http://upstream.test:3999/page/about"');
    expect(res.text).toContain('href="/page/contact"');
  });

  it("when /headers is called, then it echoes what reached it", async () => {
    const res = await request(app).get("/headers?x=1").set("X-User-Id", "u1");
    expect(res.body).toMatchObject({ method: "GET", url: "/headers?x=1", headers: { "x-user-id": "u1" } });
  });

  it("when /redirect is called, then it redirects to an absolute upstream URL", async () => {
    const res = await request(app).get("/redirect");
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("http://upstream.test:3999/page/landing");
  });
});
