import { defineConfig, devices } from "@playwright/test";
import { E2E_ADMIN_KEY } from "./e2e/ports";

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
      command: `npx next start -H 127.0.0.1 -p ${ROUTER_PORT}`,
      url: `${baseURL}/health`,
      reuseExistingServer: false,
      timeout: 90_000,
      env: {
        NEXT_TELEMETRY_DISABLED: "1",
        DATABASE_URL: "memory://",
        ROUTER_OLLAMA_URL: `http://127.0.0.1:${SIM_PORT}`,
        ROUTER_LOG_LEVEL: "WARNING",
        ROUTER_ADMIN_API_KEY: E2E_ADMIN_KEY,
        // background profiling would change routing under the specs
        ROUTER_PROFILE_AUTO: "false",
        // profiling jobs the specs start (console profiling, prometheus): graded by the fleet's judge, and short
        ROUTER_JUDGE_ENABLED: "true",
        ROUTER_JUDGE_BASE_URL: `http://127.0.0.1:${SIM_PORT}/v1`,
        ROUTER_JUDGE_MODEL: "sim-judge",
        ROUTER_JUDGE_RETRY_BASE_DELAY: "0.1",
        ROUTER_PROFILE_PROMPTS_PER_CATEGORY: "1",
        ROUTER_PROFILE_VRAM_SAMPLE_DELAY: "0.2",
      },
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
