import { describe, expect, it } from "vitest";
import { errorTypeFor, openAIError, WireError } from "./errors";

describe("openAIError", () => {
  it.each([
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [403, "permission_error"],
    [404, "not_found_error"],
    [413, "invalid_request_error"],
    [415, "invalid_request_error"],
    [422, "invalid_request_error"],
    [429, "rate_limit_error"],
    [500, "server_error"],
    [502, "service_unavailable"],
    [503, "service_unavailable"],
    [504, "timeout"],
    [418, "invalid_request_error"],
    [599, "server_error"],
  ])("status %i has type %s", (status, type) => {
    expect(errorTypeFor(status)).toBe(type);
    expect(openAIError(status, "m").body.error.type).toBe(type);
  });

  it("always carries message, type, param and code (null when absent)", () => {
    expect(openAIError(400, "bad")).toEqual({
      status: 400,
      body: { error: { message: "bad", type: "invalid_request_error", param: null, code: null } },
    });
  });

  it("takes param, code and an explicit type", () => {
    const { body } = openAIError(404, "The model 'x' does not exist", { param: "model", code: "model_not_found" });
    expect(body.error).toEqual({ message: "The model 'x' does not exist", type: "not_found_error", param: "model", code: "model_not_found" });
    expect(openAIError(429, "slow down", { type: "requests" }).body.error.type).toBe("requests");
  });
});

describe("WireError", () => {
  it("is an Error that renders as an OpenAI error", () => {
    const error = new WireError(400, "Invalid 'n'", "n", "invalid_value");
    expect(error).toBeInstanceOf(Error);
    expect(error.status).toBe(400);
    expect(error.toResponse()).toEqual(openAIError(400, "Invalid 'n'", { param: "n", code: "invalid_value" }));
  });

  it("renders an absent param and code as null", () => {
    const error = new WireError(415, "Content-Type must be application/json");
    expect([error.param, error.code]).toEqual([undefined, undefined]);
    expect(error.toResponse().body.error).toMatchObject({ param: null, code: null, type: "invalid_request_error" });
  });
});
