export class AbortedError extends Error {
  constructor() {
    super("client disconnected");
  }
}

/** Waits `ms`, clearing the timer as soon as the signal fires so an aborted request leaves nothing behind. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new AbortedError());
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export function waitForAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new AbortedError());
    else signal.addEventListener("abort", () => reject(new AbortedError()), { once: true });
  });
}

/** Awaits a shared promise (e.g. a model load) but gives up when this request's client goes away. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return Promise.race([promise, waitForAbort(signal)]);
}

export function timer(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
