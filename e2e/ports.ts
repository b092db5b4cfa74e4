// Same arithmetic as playwright.config.ts: router on E2E_PORT, simulated fleet on the next port.
export const ROUTER_PORT = Number(process.env.E2E_PORT ?? 3100);
export const SIM = `http://127.0.0.1:${ROUTER_PORT + 1}`;
/** The admin key the e2e router runs with (playwright.config.ts sets ROUTER_ADMIN_API_KEY to it). */
export const E2E_ADMIN_KEY = "e2e-console-admin-key-0123456789";
/** ROUTER_RATE_LIMIT_ADMIN_REQUESTS_PER_MINUTE of the e2e router. */
export const E2E_ADMIN_RATE_LIMIT = 200;
