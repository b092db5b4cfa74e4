// npm run load-test [-- --clients 200 --seconds 60 --database-outage]
// Loopback only; needs the Postgres that tests use (TEST_DATABASE_URL, default 127.0.0.1:5432).
import { runLoadTest } from "./run";

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};

const result = await runLoadTest({
  clients: argument("clients", 200),
  seconds: argument("seconds", 60),
  databaseOutage: process.argv.includes("--database-outage"),
  log: (line) => console.log(line),
});
console.log(JSON.stringify(result, null, 2));
// Every request leaves one row, or (only while the database was cut off long enough to fill the
// bounded queue) a counted drop: rows + dropped = requests, and nothing is stored twice.
const outage = process.argv.includes("--database-outage");
const accounted = result.decisionRows + result.droppedRows === result.requests && result.distinctRequestIds === result.decisionRows;
const ok = result.failed === 0 && accounted && (outage || result.droppedRows === 0);
if (result.droppedRows) console.log(`${result.droppedRows} rows beyond the write queue's bound were dropped and counted (smarterrouter_write_queue_dropped_total)`);
console.log(ok ? "PASS: no failed request; one decision row per request (or a counted drop beyond the queue bound)" : "FAIL");
process.exit(ok ? 0 : 1);
