import type { Request } from "express";
import { ConflictError, NotFoundError } from "../errors";
import { uuidPathParam } from "./uuid-path-param";

const request = (params: Record<string, string>): Request => ({ params }) as unknown as Request;
const id = "3f1c2a9e-6a44-4c0e-9b7e-0c6f3d2b8a11";

describe("uuidPathParam", () => {
  it("when the parameter is a UUID, then it is returned", () => {
    expect(uuidPathParam(request({ id }))).toBe(id);
    expect(uuidPathParam(request({ purchase_id: id }), "purchase_id")).toBe(id);
  });

  it("when the parameter is a UUID in upper or mixed case, then it is returned in lower case", () => {
    expect(uuidPathParam(request({ id: id.toUpperCase() }))).toBe(id);
    expect(uuidPathParam(request({ id: "3F1C2A9E-6a44-4C0E-9b7e-0C6F3D2B8A11" }))).toBe(id);
  });

  it("when the parameter is not a UUID, then 404 NOT_FOUND", () => {
    let thrown: unknown;
    try {
      uuidPathParam(request({ id: "not-a-uuid" }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(NotFoundError);
    expect(thrown).toMatchObject({ statusCode: 404, errorCode: "NOT_FOUND" });
  });

  it("when the route names its own not-found error, then that one is thrown", () => {
    expect(() => uuidPathParam(request({ id: "42" }), "id", () => new ConflictError("x", "SESSION_NOT_FOUND"))).toThrow(ConflictError);
  });
});
