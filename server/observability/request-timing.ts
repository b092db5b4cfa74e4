// When a request reached the server. The custom server (server/http) stamps each request as it
// arrives, so latency and the X-SmarterRouter-Overhead-Ms header include reading the body and
// everything before the handler; where nothing stamped it (next dev), the handler's start is used.

const arrivals = new WeakMap<Request, number>();

export function markArrival(request: Request, at: number): void {
  arrivals.set(request, at);
}

/** performance.now() at arrival. */
export function arrivalOf(request: Request): number {
  return arrivals.get(request) ?? performance.now();
}
