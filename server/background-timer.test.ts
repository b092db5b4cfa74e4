import { afterEach, expect, it, vi } from "vitest";
import { repeatInBackground } from "./background-timer";

afterEach(() => {
  vi.useRealTimers();
});

it("runs once after the first delay, then every interval, and never again once stopped", () => {
  vi.useFakeTimers();
  const run = vi.fn();
  const stop = repeatInBackground(1_000, 10_000, run);
  vi.advanceTimersByTime(999);
  expect(run).toHaveBeenCalledTimes(0);
  vi.advanceTimersByTime(1);
  expect(run).toHaveBeenCalledTimes(1);
  vi.advanceTimersByTime(20_000);
  expect(run).toHaveBeenCalledTimes(3);
  stop();
  vi.advanceTimersByTime(60_000);
  expect(run).toHaveBeenCalledTimes(3);
});
