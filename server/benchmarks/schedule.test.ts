import { describe, expect, it } from "vitest";
import { isSyncDue } from "./schedule";

describe("isSyncDue", () => {
  const hour = 3_600_000;
  const now = Date.parse("2026-01-02T00:00:00Z");
  it.each([
    ["never synced", undefined, 24, true],
    ["synced an hour ago", { startedAt: new Date(now - hour), status: "completed" as const }, 24, false],
    ["synced a day ago", { startedAt: new Date(now - 24 * hour), status: "completed" as const }, 24, true],
    ["failed two hours ago (retried within the hour)", { startedAt: new Date(now - 2 * hour), status: "failed" as const }, 24, true],
    ["failed ten minutes ago", { startedAt: new Date(now - hour / 6), status: "failed" as const }, 24, false],
    ["running for 10 minutes", { startedAt: new Date(now - hour / 6), status: "running" as const }, 0.1, false],
    ["running for 2 hours (abandoned)", { startedAt: new Date(now - 2 * hour), status: "running" as const }, 1, true],
    ["turned off", undefined, 0, false],
  ])("%s → %s", (_, last, interval, due) => {
    expect(isSyncDue(last, interval, now)).toBe(due);
  });
});
