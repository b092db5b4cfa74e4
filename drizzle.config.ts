import { defineConfig } from "drizzle-kit";

// Only `generate` is used (it needs no database); migrations are applied at start-up by server/db/migrate.ts.
export default defineConfig({
  dialect: "postgresql",
  schema: "./server/db/schema/index.ts",
  out: "./drizzle",
});
