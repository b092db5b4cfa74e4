import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// The dependency rules of DESIGN.md §3, enforced rather than only written down.
const TESTS = ["**/*.test.ts", "**/test-*.ts", "e2e/**"];
const OTEL_SDK = ["@opentelemetry/sdk-*", "@opentelemetry/exporter-*", "@opentelemetry/resources"];
const noEnv = {
  object: "process",
  property: "env",
  message: "Only server/config reads the environment: take the value from getConfig().",
};

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    files: ["server/**/*.ts", "app/**/*.ts", "app/**/*.tsx"],
    ignores: ["server/config/**", ...TESTS],
    rules: { "no-restricted-properties": ["error", noEnv] },
  },
  {
    files: ["server/**/*.ts", "app/**/*.ts", "app/**/*.tsx"],
    ignores: ["server/backends/**", "server/simulator/**", ...TESTS],
    rules: {
      "no-restricted-globals": ["error", { name: "fetch", message: "Only server/backends talks to model servers." }],
    },
  },
  {
    files: ["server/**/*.ts", "app/**/*.ts", "app/**/*.tsx", "scripts/**/*.ts"],
    ignores: ["server/observability/metrics.ts", "server/observability/series.ts", ...TESTS],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["prom-client"], message: "Metrics are defined in server/observability/metrics.ts only (series.ts updates them)." },
            { group: OTEL_SDK, message: "Only instrumentation.ts loads the OpenTelemetry SDK." },
          ],
        },
      ],
    },
  },
  {
    files: ["app/**/*.ts", "app/**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/server/db", "@/server/db/*", "**/server/db", "**/server/db/*"], message: "app/** never imports server/db: call a domain function." },
            { group: ["prom-client"], message: "Metrics are defined in server/observability/metrics.ts only." },
            { group: OTEL_SDK, message: "Only instrumentation.ts loads the OpenTelemetry SDK." },
          ],
        },
      ],
    },
  },
  {
    // Pure modules: data in, data out, so they can be table-tested and benchmarked.
    files: ["server/routing/**/*.ts", "server/gateway/wire/**/*.ts"],
    ignores: TESTS,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["next", "next/*", "@/server/db", "@/server/db/*", "**/db", "**/db/*", "drizzle-orm", "drizzle-orm/*", "postgres", "@electric-sql/*", "ioredis", "prom-client", "@opentelemetry/*", "node:*"],
              message: "server/routing is pure: no framework, database, network, metrics or tracing imports.",
            },
          ],
        },
      ],
      "no-restricted-globals": ["error", { name: "fetch", message: "server/routing is pure." }],
      "no-restricted-properties": ["error", noEnv],
    },
  },
  globalIgnores([".next/**", "out/**", "build/**", "next-env.d.ts", "test-results/**", "playwright-report/**", "reports/**", "drizzle/**", "data/**"]),
]);
