// Test-only: serves recorded benchmark-source answers (server/benchmarks/fixtures) over real HTTP,
// the way the real sources answer: datasets-server /rows pages, a leaderboard CSV, and the
// ArtificialAnalysis models endpoint behind an x-api-key check. No internet here.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
export const AA_TEST_KEY = "aa-test-key";
export const AA_LIMITED_KEY = "aa-limited-key";

export type SourcesServer = {
  url: string;
  /** Settings pointing every source at this server. */
  env: Record<string, string>;
  /** Requests seen per path. */
  hits: (pathname: string) => number;
  close: () => Promise<void>;
};

function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), "utf8");
}

/** `fillerRows` pads the leaderboard with unrelated fine-tunes so paging is exercised (a page is 100 rows). */
export async function startSourcesServer(options: { fillerRows?: number } = {}): Promise<SourcesServer> {
  const hf = JSON.parse(fixture("huggingface-contents-rows.json")) as { features: unknown[]; rows: Record<string, unknown>[] };
  const hfRows = [...hf.rows];
  for (let i = 0; i < (options.fillerRows ?? 150); i++) {
    hfRows.push({ ...hf.rows[0], fullname: `community/merge-experiment-${i}-7B`, eval_name: `community_merge-experiment-${i}`, "Official Providers": false, "#Params (B)": 7.24 });
  }
  const arena = JSON.parse(fixture("lmarena-leaderboard-rows.json")) as { features: unknown[]; rows: { row: Record<string, unknown> }[] };
  const counts = new Map<string, number>();

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const page = (features: unknown[], rows: Record<string, unknown>[]) => {
      const offset = Number(url.searchParams.get("offset") ?? 0);
      const length = Math.min(100, Number(url.searchParams.get("length") ?? 100));
      if (url.searchParams.get("dataset") === null) return json(422, { error: "Parameter 'dataset' is required" });
      json(200, {
        features,
        rows: rows.slice(offset, offset + length).map((row, i) => ({ row_idx: offset + i, row, truncated_cells: [] })),
        num_rows_total: rows.length,
        num_rows_per_page: 100,
        partial: false,
      });
    };
    switch (url.pathname) {
      case "/hf/rows":
        return page(hf.features, hfRows);
      case "/arena/rows":
        return page(arena.features, arena.rows.map((entry) => entry.row));
      case "/arena.csv":
        res.writeHead(200, { "content-type": "text/csv; charset=utf-8" });
        return res.end(fixture("lmarena-leaderboard.csv"));
      case "/aa/models": {
        const key = req.headers["x-api-key"];
        if (key === AA_LIMITED_KEY) return json(429, { status: 429, error: "Rate limit exceeded" });
        if (key !== AA_TEST_KEY) return json(401, { status: 401, error: "Invalid API key" });
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(fixture("artificial-analysis-models.json"));
      }
      case "/down/rows":
        return json(503, { error: "The server is busier than usual and the response is not ready yet." });
      case "/html/rows":
        res.writeHead(200, { "content-type": "text/html" });
        return res.end("<html><body>Sign in</body></html>");
      default:
        return json(404, { error: "not found" });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    env: {
      ROUTER_BENCHMARK_HUGGINGFACE_URL: `${base}/hf/rows?dataset=open-llm-leaderboard%2Fcontents&config=default&split=train`,
      ROUTER_BENCHMARK_LMSYS_URL: `${base}/arena/rows?dataset=lmarena-ai%2Fleaderboard-dataset&config=text&split=latest`,
      ROUTER_ARTIFICIAL_ANALYSIS_URL: `${base}/aa/models`,
    },
    hits: (pathname) => counts.get(pathname) ?? 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
