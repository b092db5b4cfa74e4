import { defineConfig, devices } from "@playwright/test";

// E2E runs the production build against the simulated fleet: a real router process, a real
// fleet process, a real browser (Debian's chromium; never `npx playwright install`).
// E2E_PORT lets several checkouts run their suites side by side (router on it, fleet on it + 1).
const ROUTER_PORT = Number(process.env.E2E_PORT ?? 3100);
const SIM_PORT = ROUTER_PORT + 1;
const baseURL = `http://127.0.0.1:${ROUTER_PORT}`;

export default defineConfig({
  testDir: "./e2e",
  timeout: 30_000,
  workers: 1,
  reporter: [["list"]],
  outputDir: "./test-results",
  use: { baseURL, trace: "off", screenshot: "only-on-failure" },
  projects: [
    { name: "api", testDir: "./e2e/api" },
    {
      name: "console",
      testDir: "./e2e/console",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: "/usr/bin/chromium",
          args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"],
        },
      },
    },
  ],
  webServer: [
    {
      command: `npx tsx server/simulator/main.ts --port ${SIM_PORT} --time-scale 1`,
      url: `http://127.0.0.1:${SIM_PORT}/api/tags`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      // As `npm start` runs it: the custom server (server/http) in front of the production build.
      command: "npx tsx scripts/start.ts",
      url: `${baseURL}/health`,
      reuseExistingServer: false,
      timeout: 90_000,
      env: {
        NEXT_TELEMETRY_DISABLED: "1",
        ROUTER_HOST: "127.0.0.1",
        ROUTER_PORT: String(ROUTER_PORT),
        DATABASE_URL: "memory://",
        ROUTER_OLLAMA_URL: `http://127.0.0.1:${SIM_PORT}`,
        ROUTER_LOG_LEVEL: "WARNING",
      },
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
