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
const ok = result.failed === 0 && result.decisionRows === result.requests && result.distinctRequestIds === result.requests && result.droppedRows === 0;
console.log(ok ? "PASS: no failed request, one decision row per request" : "FAIL");
process.exit(ok ? 0 : 1);
