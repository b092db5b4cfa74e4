import { describe, expect, it } from "vitest";
import { runLoadTest } from "./run";

// The short version of `npm run load-test`: 200 streaming clients for 5 s, with the database cut off
// for the middle third of the run. Every request must succeed and leave exactly one decision row.
describe("200 concurrent streaming clients with a database outage mid-load", () => {
  it("fails no request and loses no decision row", async () => {
    const result = await runLoadTest({ clients: 200, seconds: 5, databaseOutage: true });
    expect(result.failures).toEqual([]);
    expect(result.requests).toBeGreaterThanOrEqual(200);
    expect(result.outage?.queuedAtRestore).toBeGreaterThan(0); // rows really waited for the database
    expect(result.decisionRows).toBe(result.requests);
    expect(result.distinctRequestIds).toBe(result.requests);
    expect(result.droppedRows).toBe(0);
  }, 90_000);
});
