import path from "node:path";
import { Worker } from "node:worker_threads";
import type { PGlite, Results } from "@electric-sql/pglite";

type Call = { op: "ready" | "close" } | { op: "begin" } | { op: "end"; tx: number; commit: boolean } | { op: "query"; sql: string; params?: unknown[]; rowMode?: "array" | "object"; tx?: number };
type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: Record<string, unknown> & { message: string } };
type QueryOptions = { rowMode?: "array" | "object" };

/** What drizzle's PGlite driver and migrator call on a client (and on a transaction), besides transaction and close. */
type Queries = {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
};

/**
 * PGlite in a worker thread (server/db/pglite-worker.mjs), behind the part of PGlite's interface
 * drizzle uses: query, transaction, close. With PGlite in the server's own thread, its
 * WebAssembly Postgres and file writes ran on the event loop: about a quarter of the CPU time of
 * a routed chat request went to storing its decision row, and every batch write held up the
 * requests in flight. Here the event loop only hands over the statement and its parameters.
 * Date and time values come back as text, as drizzle's driver has them (the worker applies its parsers).
 */
export class RemotePglite implements Queries {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #lastId = 0;
  #closed = false;
  #exited: Promise<void>;

  private constructor(dataDir: string, startParams: string[]) {
    this.#worker = new Worker(path.join(process.cwd(), "server", "db", "pglite-worker.mjs"), { workerData: { dataDir, startParams } });
    this.#worker.on("message", (answer: Answer) => {
      const pending = this.#pending.get(answer.id);
      if (!pending) return;
      this.#pending.delete(answer.id);
      if (answer.ok) pending.resolve(answer.value);
      else pending.reject(Object.assign(new Error(answer.error.message), answer.error));
    });
    this.#exited = new Promise((resolve) => {
      this.#worker.once("error", (error) => this.#fail(error));
      this.#worker.once("exit", (code) => {
        this.#fail(new Error(`the embedded database thread exited (code ${code})`));
        resolve();
      });
    });
  }

  /** Starts the thread and waits for the database to open (a data directory that holds a cluster). */
  static async open(dataDir: string, startParams: string[]): Promise<RemotePglite> {
    const client = new RemotePglite(dataDir, startParams);
    try {
      await client.#call({ op: "ready" });
    } catch (error) {
      await client.#worker.terminate();
      throw error;
    }
    return client;
  }

  get closed(): boolean {
    return this.#closed;
  }

  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    return this.#call({ op: "query", sql, params, rowMode: options?.rowMode }) as Promise<Results<T>>;
  }

  /** BEGIN … COMMIT around `fn` (ROLLBACK when it throws); other statements wait, as with PGlite itself. */
  async transaction<T>(fn: (tx: Queries) => Promise<T>): Promise<T> {
    const tx = (await this.#call({ op: "begin" })) as number;
    const client: Queries = {
      query: <R>(sql: string, params?: unknown[], options?: QueryOptions) => this.#call({ op: "query", sql, params, rowMode: options?.rowMode, tx }) as Promise<Results<R>>,
    };
    let value: T;
    try {
      value = await fn(client);
    } catch (error) {
      await this.#call({ op: "end", tx, commit: false }).catch(() => undefined);
      throw error;
    }
    await this.#call({ op: "end", tx, commit: true });
    return value;
  }

  /** Closes the database (its files are consistent on disk) and ends the thread. Idempotent. */
  async close(): Promise<void> {
    if (!this.#closed) {
      await this.#call({ op: "close" }).catch(() => undefined);
      this.#closed = true;
    }
    await this.#exited;
  }

  #call(call: Call): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error("PGlite is closed"));
    const id = ++this.#lastId;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, ...call });
    });
  }

  #fail(error: Error): void {
    this.#closed = true;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

/** The client drizzle's PGlite driver takes; it calls only what RemotePglite has. */
export const asPglite = (client: RemotePglite): PGlite => client as unknown as PGlite;
