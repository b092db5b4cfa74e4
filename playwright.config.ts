import { defineConfig, devices } from "@playwright/test";
import os from "node:os";
import path from "node:path";
import { E2E_ADMIN_KEY, E2E_ADMIN_RATE_LIMIT } from "./e2e/ports";

// E2E runs the production build against the simulated fleet: a real router process, a real
// fleet process, a real browser (Debian's chromium; never `npx playwright install`).
// E2E_PORT lets several checkouts run their suites side by side (router on it, fleet on it + 1).
const ROUTER_PORT = Number(process.env.E2E_PORT ?? 3100);
const SIM_PORT = ROUTER_PORT + 1;
const baseURL = `http://127.0.0.1:${ROUTER_PORT}`;
const FAKE_GPU_TOOLS = path.join(import.meta.dirname, "e2e/fixtures/bin");
// The embedded database on disk, as `npm start` without DATABASE_URL runs it (PGlite in its worker
// thread), created afresh for every run.
const DATA_DIR = path.join(os.tmpdir(), `smarterrouter-e2e-${ROUTER_PORT}`);

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
      // As `npm start` runs it: the custom server (server/http) in front of the production build, on
      // the embedded database in a data directory (wiped first).
      command: `rm -rf '${DATA_DIR}' && exec node scripts/start.mjs`,
      url: `${baseURL}/health`,
      reuseExistingServer: false,
      timeout: 90_000,
      env: {
        NEXT_TELEMETRY_DISABLED: "1",
        ROUTER_HOST: "127.0.0.1",
        ROUTER_PORT: String(ROUTER_PORT),
        DATABASE_URL: `file://${DATA_DIR}`,
        ROUTER_OLLAMA_URL: `http://127.0.0.1:${SIM_PORT}`,
        ROUTER_LOG_LEVEL: "WARNING",
        ROUTER_ADMIN_API_KEY: E2E_ADMIN_KEY,
        // background profiling would change routing under the specs
        ROUTER_PROFILE_AUTO: "false",
        // VRAM: a fake nvidia-smi (two GPUs) comes first on PATH, sampled every second; a 12 GB budget
        // makes the specs' traffic load and unload models through the manager.
        PATH: `${FAKE_GPU_TOOLS}${path.delimiter}${process.env.PATH ?? ""}`,
        ROUTER_VRAM_MONITOR_INTERVAL: "1",
        ROUTER_VRAM_MAX_TOTAL_GB: "12",
        // Rate limits on, with a client limit no spec reaches; the admin bucket (/admin/explain,
        // /admin/vram) is small, so e2e/api/prometheus.spec.ts can exhaust it from its own address.
        ROUTER_RATE_LIMIT_ENABLED: "true",
        // The specs act as a proxy in front of the router: X-Forwarded-For from loopback names the client.
        ROUTER_TRUSTED_PROXIES: "127.0.0.1,::1",
        ROUTER_RATE_LIMIT_REQUESTS_PER_MINUTE: "100000",
        ROUTER_RATE_LIMIT_ADMIN_REQUESTS_PER_MINUTE: String(E2E_ADMIN_RATE_LIMIT),
        // No internet from e2e: the remote benchmark sources point at port 9, which fetch refuses; the bundled table still syncs.
        ROUTER_BENCHMARK_HUGGINGFACE_URL: "http://127.0.0.1:9/closed",
        ROUTER_BENCHMARK_LMSYS_URL: "http://127.0.0.1:9/closed",
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
