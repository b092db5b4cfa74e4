/**
 * The first JSON object in a model's reply: the whole text, a ```json fenced block, or the first
 * balanced {...} inside surrounding prose. Undefined when there is none.
 */
export function extractJsonObject(text: string): Record<string, unknown> | undefined {
  const candidates = [text.trim()];
  for (const match of text.matchAll(/```[a-zA-Z]*\s*\n?([\s\S]*?)```/g)) candidates.push(match[1].trim());
  for (const candidate of [...candidates, ...balancedObjects(text)]) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Substrings from each `{` to its matching `}`, ignoring braces inside strings. */
function balancedObjects(text: string): string[] {
  const found: string[] = [];
  for (let start = text.indexOf("{"); start !== -1 && found.length < 5; start = text.indexOf("{", start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === "\\") i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === "{") depth++;
      else if (c === "}" && --depth === 0) {
        found.push(text.slice(start, i + 1));
        break;
      }
    }
  }
  return found;
}
