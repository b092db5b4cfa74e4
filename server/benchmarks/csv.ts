// A small RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF. Enough for leaderboard
// exports and operator-written files; no type guessing (values stay strings).

export class CsvError extends Error {}

export function parseCsv(text: string): Record<string, string>[] {
  const table = parseCsvRows(text.replace(/^\uFEFF/, ""));
  const header = table.shift();
  if (!header || header.every((cell) => cell.trim() === "")) throw new CsvError("the CSV has no header row");
  const names = header.map((cell) => cell.trim());
  return table
    .filter((cells) => cells.some((cell) => cell.trim() !== ""))
    .map((cells, index) => {
      if (cells.length > names.length) throw new CsvError(`row ${index + 2} has ${cells.length} fields, the header ${names.length}`);
      return Object.fromEntries(names.map((name, i) => [name, cells[i] ?? ""]));
    });
}

function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char !== '"') field += char;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (char === '"' && field === "") quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += char;
  }
  if (quoted) throw new CsvError("a quoted field is never closed");
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
