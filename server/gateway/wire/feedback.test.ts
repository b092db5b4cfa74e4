import { describe, expect, it } from "vitest";
import { WireError } from "./errors";
import { parseFeedback } from "./feedback";

function failure(body: unknown): WireError {
  try {
    parseFeedback(body);
  } catch (error) {
    if (error instanceof WireError) return error;
    throw error;
  }
  throw new Error("expected a WireError");
}

describe("parseFeedback", () => {
  it.each([
    [{ model: "m", score: 1 }, 1],
    [{ model: "m", score: -1 }, -1],
    [{ model: "m", score: 0.25, scale: "signed" }, 0.25],
    [{ model: "m", score: 0, scale: "positive" }, -1],
    [{ model: "m", score: 1, scale: "positive" }, 0],
    [{ model: "m", score: 2, scale: "positive" }, 1],
    [{ model: "m", score: 1.5, scale: "positive" }, 0.5],
  ])("%j → score %d", (body, score) => {
    expect(parseFeedback(body).score).toBe(score);
  });

  it.each<[string, unknown, string | undefined, string]>([
    ["a non-object body", [], undefined, "must be a JSON object"],
    ["missing score", { model: "m" }, "score", "Missing required parameter: 'score'"],
    ["score as a string", { model: "m", score: "1" }, "score", "expected a number"],
    ["signed score above 1", { model: "m", score: 1.5 }, "score", "from -1 to 1 (scale 'signed'), but got 1.5"],
    ["signed score below -1", { model: "m", score: -2 }, "score", "from -1 to 1"],
    ["positive score above 2", { model: "m", score: 2.1, scale: "positive" }, "score", "from 0 to 2 (scale 'positive')"],
    ["positive score below 0", { model: "m", score: -0.5, scale: "positive" }, "score", "from 0 to 2"],
    ["unknown scale", { model: "m", score: 1, scale: "stars" }, "scale", "expected one of 'signed', 'positive'"],
    ["neither response_id nor model", { score: 1 }, "response_id", "'response_id' or 'model'"],
    ["blank response_id and model", { score: 1, response_id: " ", model: "" }, "response_id", "'response_id' or 'model'"],
    ["response_id too long", { score: 1, response_id: "r".repeat(129) }, "response_id", "<= 128 characters"],
    ["comment too long", { model: "m", score: 1, comment: "c".repeat(2001) }, "comment", "<= 2000 characters"],
    ["unknown category", { model: "m", score: 1, category: "poetry" }, "category", "expected one of 'coding', 'math', 'reasoning', 'creative', 'extraction', 'factual', 'general'"],
  ])("rejects %s", (_name, body, param, message) => {
    const error = failure(body);
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toContain(message);
  });

  it("accepts the original's model_name and prefers model", () => {
    expect(parseFeedback({ model_name: "old", score: 0 }).model).toBe("old");
    expect(parseFeedback({ model: "new", model_name: "old", score: 0 }).model).toBe("new");
    expect(parseFeedback({ model: "", model_name: "old", score: 0 }).model).toBe("old");
  });

  it("returns every field, normalised", () => {
    expect(
      parseFeedback({ response_id: " chatcmpl-1 ", model: "m", score: 2, scale: "positive", comment: " great ", category: "coding", extra: true }),
    ).toEqual({ response_id: "chatcmpl-1", model: "m", score: 1, scale: "positive", comment: "great", category: "coding" });
  });

  it("needs only a response_id", () => {
    expect(parseFeedback({ response_id: "chatcmpl-1", score: -0.5, comment: null, category: null })).toEqual({
      response_id: "chatcmpl-1",
      score: -0.5,
      scale: "signed",
    });
  });
});
