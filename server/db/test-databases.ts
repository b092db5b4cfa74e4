// Test-only helper. It reads the environment directly, which app code in server/db must not do:
// it is imported only by *.int.test.ts files, never by the app.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDatabase, type DatabaseHandle } from "./client";

export const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

/** The admin database the per-file test databases are created from. */
export const testPostgresAdminUrl = (): string => process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;

/** Postgres tests fail (not skip) when Postgres is down, unless this opt-out is set. */
export const skipPostgresTests = (): boolean => process.env.SKIP_POSTGRES_TESTS === "1";

export type TestPostgresDatabase = { url: string; name: string; drop(): Promise<void> };

/** Creates `sr_test_<random>` next to the admin database; `drop()` removes it even with open sessions. */
export async function createTestPostgresDatabase(): Promise<TestPostgresDatabase> {
  const adminUrl = testPostgresAdminUrl();
  const name = `sr_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (err) {
    await admin.end({ timeout: 1 });
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `Cannot create a test database on ${redact(adminUrl)} (${reason}). Start PostgreSQL, point TEST_DATABASE_URL at one, or set SKIP_POSTGRES_TESTS=1.`,
    );
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      try {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await admin.end({ timeout: 1 });
      }
    },
  };
}

const redact = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");

/**
 * The databases an integration test runs against: embedded PGlite and a fresh Postgres database
 * (left out under SKIP_POSTGRES_TESTS). `open()` gives an unmigrated handle and a `drop()`.
 */
export const TEST_DATABASE_KINDS: { kind: "pglite" | "postgres"; open: () => Promise<{ database: DatabaseHandle; drop: () => Promise<void> }> }[] = [
  { kind: "pglite", open: async () => ({ database: await openDatabase("memory://"), drop: async () => {} }) },
  ...(skipPostgresTests()
    ? []
    : [
        {
          kind: "postgres" as const,
          open: async () => {
            const testDb = await createTestPostgresDatabase();
            return { database: await openDatabase(testDb.url), drop: () => testDb.drop() };
          },
        },
      ]),
];
