// Separating an instruction from the material it is about ("Summarize this: <article>",
// "<article>\n\nWhat are the key points?"), so words in the material weigh less than the task.

const LEAD_END = /:[ \t]*\n|:\s|\n[ \t]*\n/;
const MIN_PAYLOAD_CHARS = 150;
const MAX_INSTRUCTION_CHARS = 250;
const MAX_TAIL_CHARS = 300;

// "…from the posting below. <material>": the first sentence points at what follows.
const SOURCE_REFERENCE = /\b(?:below|following|this (?:text|passage|article|email|paragraph|post|posting|document|review|transcript|message))\b/i;
const FIRST_SENTENCE_END = /[.!?]\s+(?=\S)/;

function splitAfterReference(text: string): { instruction: string; payload?: string } {
  const end = FIRST_SENTENCE_END.exec(text.slice(0, 200));
  if (!end || !SOURCE_REFERENCE.test(text.slice(0, end.index))) return { instruction: text };
  const start = end.index + end[0].length;
  if (text.length - start < 60) return { instruction: text };
  return { instruction: text.slice(0, start), payload: text.slice(start) };
}

/**
 * Splits "instruction: <material>" and "<material>\n\nquestion" into the instruction (lead and
 * closing paragraph) and the material between. Short texts and plain questions are all instruction.
 */
export function splitPayload(text: string): { instruction: string; payload?: string } {
  const leadMatch = LEAD_END.exec(text.slice(0, MAX_INSTRUCTION_CHARS));
  if (text.length < 2 * MIN_PAYLOAD_CHARS) {
    // "Translate to French: Where is the station?": a short instruction, then its material.
    if (!leadMatch || leadMatch.index < 8 || leadMatch.index > 80) return splitAfterReference(text);
    const start = leadMatch.index + leadMatch[0].length;
    if (text.length - start < Math.max(16, leadMatch.index)) return { instruction: text };
    return { instruction: text.slice(0, start), payload: text.slice(start) };
  }
  let start = leadMatch && leadMatch.index >= 15 ? leadMatch.index + leadMatch[0].length : 0;
  let end = text.length;
  const trimmed = text.trimEnd();
  const lastBreak = trimmed.lastIndexOf("\n\n");
  if (lastBreak > start && trimmed.length - lastBreak <= MAX_TAIL_CHARS) end = lastBreak;
  if (start === 0 && end === text.length) return { instruction: text };
  if (start === 0 && end < 2 * MIN_PAYLOAD_CHARS) start = end; // no material before a closing question
  const payloadLength = end - start;
  if (payloadLength < MIN_PAYLOAD_CHARS || payloadLength < 0.5 * text.length) return { instruction: text };
  return { instruction: `${text.slice(0, start)}\n${text.slice(end)}`, payload: text.slice(start, end) };
}
