import { fetchBenchmarkDocument } from "../../backends/benchmark-fetch";

// Hugging Face's datasets-server `/rows` API: `{"rows":[{"row_idx":0,"row":{…}}],"num_rows_total":n}`,
// at most 100 rows a page, paged with `offset` and `length`.

export const PAGE_LENGTH = 100;

export class SourceFormatError extends Error {}

export type DatasetsServerPage = { rows: Record<string, unknown>[]; total?: number };

export function parseDatasetsServerPage(body: string): DatasetsServerPage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new SourceFormatError("not JSON");
  }
  const page = json as { rows?: unknown; num_rows_total?: unknown };
  if (!page || typeof page !== "object" || !Array.isArray(page.rows)) throw new SourceFormatError('no "rows" array (not a datasets-server /rows answer)');
  const rows = page.rows
    .map((entry) => (entry && typeof entry === "object" ? (entry as { row?: unknown }).row : undefined))
    .filter((row): row is Record<string, unknown> => Boolean(row) && typeof row === "object");
  return { rows, total: typeof page.num_rows_total === "number" ? page.num_rows_total : undefined };
}

/** Every row up to maxRows, page by page. */
export async function fetchDatasetsServerRows(baseUrl: string, maxRows: number): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (let offset = 0; offset < maxRows; offset += PAGE_LENGTH) {
    const url = new URL(baseUrl);
    url.searchParams.set("offset", String(offset));
    url.searchParams.set("length", String(Math.min(PAGE_LENGTH, maxRows - offset)));
    const response = await fetchBenchmarkDocument(url.toString());
    if (response.status !== 200) throw new Error(`${url.host} answered HTTP ${response.status}`);
    const page = parseDatasetsServerPage(response.body);
    rows.push(...page.rows);
    if (page.rows.length < PAGE_LENGTH || (page.total !== undefined && offset + PAGE_LENGTH >= page.total)) break;
  }
  return rows;
}
