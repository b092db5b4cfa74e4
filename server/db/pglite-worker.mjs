// The embedded database's own thread: PGlite (Postgres compiled to WebAssembly, and its file I/O)
// runs here, off the event loop that serves requests. Plain JavaScript, found from the working
// directory (as drizzle/ is), so the custom server's bundle, Next and tsx all start the same file.
// server/db/pglite-remote.ts is the other side. Messages:
//   { id, op: "query", sql, params, rowMode, tx? } → the Results
//   { id, op: "begin" }                           → a transaction id for later messages' `tx`
//   { id, op: "end", tx, commit }                 → commits (or rolls back) that transaction
//   { id, op: "close" }
// Answers: { id, ok: true, value } or { id, ok: false, error: { message, name, code, ... } }.
import { parentPort, workerData } from "node:worker_threads";
import { PGlite, types } from "@electric-sql/pglite";

// drizzle's PGlite driver keeps date, time and interval values (and these arrays) as text. Its
// parsers are functions, which cannot cross threads: the same ones are applied here.
const keep = (value) => value;
const PARSERS = { [types.TIMESTAMP]: keep, [types.TIMESTAMPTZ]: keep, [types.INTERVAL]: keep, [types.DATE]: keep, 1231: keep, 1115: keep, 1185: keep, 1187: keep, 1182: keep };

const db = new PGlite(workerData.dataDir, { startParams: workerData.startParams });
/** Open transactions by id: PGlite's transaction object, and how to end it. */
const transactions = new Map();
let lastTransaction = 0;

parentPort.on("message", async (message) => {
  try {
    parentPort.postMessage({ id: message.id, ok: true, value: await handle(message) });
  } catch (error) {
    parentPort.postMessage({ id: message.id, ok: false, error: describe(error) });
  }
  if (message.op === "close") parentPort.close(); // the thread ends once its answer is out
});

async function handle(message) {
  switch (message.op) {
    case "ready":
      await db.waitReady;
      return null;
    case "query":
      return target(message).query(message.sql, message.params, { rowMode: message.rowMode, parsers: PARSERS });
    case "begin":
      return begin();
    case "end":
      return end(message.tx, message.commit);
    case "close":
      await db.close();
      return null;
    default:
      throw new Error(`unknown operation ${message.op}`);
  }
}

function target(message) {
  if (message.tx === undefined) return db;
  const open = transactions.get(message.tx);
  if (!open) throw new Error("Transaction is closed");
  return open.tx;
}

/** Starts a transaction that stays open until `end`; PGlite runs nothing else meanwhile. */
function begin() {
  return new Promise((resolve, reject) => {
    const id = ++lastTransaction;
    let finish;
    const ending = new Promise((settle) => (finish = settle));
    const done = db.transaction(async (tx) => {
      transactions.set(id, { tx, finish, done });
      resolve(id);
      if (!(await ending)) await tx.rollback();
    });
    // A failed BEGIN rejects before the callback ran; after it, `end` reports the outcome.
    done.catch((error) => {
      if (!transactions.has(id)) reject(error);
    });
  });
}

async function end(id, commit) {
  const open = transactions.get(id);
  if (!open) throw new Error("Transaction is closed");
  open.finish(commit);
  try {
    await open.done;
  } finally {
    transactions.delete(id);
  }
  return null;
}

/** An error as plain data: its message and Postgres fields (code, detail, constraint...). */
function describe(error) {
  if (!(error instanceof Error)) return { message: String(error), name: "Error" };
  const fields = { message: error.message, name: error.name };
  for (const [key, value] of Object.entries(error)) if (key !== "params" && (typeof value === "string" || typeof value === "number")) fields[key] = value;
  return fields;
}
