import type { CategoryWeights } from "./analysis-cues";
import { countMatches } from "./analysis-text";

// Structural detectors: the shape of code (fences, code lines, stack traces, SQL), of math
// (expressions, algebra, LaTeX, word problems) and of puzzles (multiple choice, boolean
// expressions, symbol sequences). Each reports named features through `add`.

export type AddFeature = (id: string, weights: CategoryWeights) => void;

// ── code structure ──
const FENCE = /^[ \t]*(?:```|~~~)/gm;
const DATA_FENCE = /^[ \t]*```[ \t]*(?:json|csv|ya?ml|text|txt|md|markdown|xml|tsv)?[ \t]*$/gm;
// Lowercase keywords only: prose sentences start with a capital, code lines do not.
const CODE_LINE = new RegExp(
  String.raw`^[ \t]*(?:` +
    [
      String.raw`(?:async[ \t]+)?(?:def|class)[ \t]+\w+[^\n]*:[ \t]*$`,
      String.raw`from[ \t]+[\w.]+[ \t]+import[ \t]`,
      String.raw`import[ \t]+[\w.{}*, ]+(?:[ \t]+from[ \t]+['"][^'"\n]+['"])?;?[ \t]*$`,
      String.raw`#[ \t]*(?:include|define|pragma|ifndef|endif)\b`,
      String.raw`(?:public|private|protected|static|export|const|let|var|fn|func|function|package|using|namespace|struct|enum|interface|impl|pub|val|return|throw|raise|yield|elif|else|try|except|catch|finally|switch|case|for|while|if|print|console\.log|System\.out|echo|int|void|char|double|float|bool|auto|std::)\b[^\n]*(?:[;{}:]|\)|=>)[ \t]*$`,
      String.raw`[\w.$[\]]+[ \t]*(?:=|\+=|-=|:=|\*=)[ \t]*[^=\n][^\n]*;[ \t]*$`,
      String.raw`[\w.]+\([^\n]*\);?[ \t]*$`,
      String.raw`[}\])]+[;,)]*[ \t]*$`,
      String.raw`(?:\/\/|\/\*|\*\/|#!)`,
      String.raw`>>>[ \t]`,
      String.raw`@[A-Za-z_]\w*(?:\(|[ \t]*$)`,
      String.raw`"""`,
    ].join("|") +
    ")",
  "gm",
);
const INLINE_CODE = /\(\?[=!:<]|\\[dwsbDWS][*+?{]|\[\^?[a-z0-9]-[a-z0-9]\]|=>|===|!==|[!=]=|&&|\|\||::|\+\+|\bdef [a-z_]\w*\(|\bfunction [\w$]*\(|\w\.\w+\(|\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]{2,}[A-Z][a-z]+\w*|\(\)|`[^`\n]{1,60}`|<\/?[a-z][a-z0-9]*(?:[ \t][^<>\n]{0,80})?\/?>|\{\s*\}|\[\s*\]/g;
const STACK_TRACE = /Traceback \(most recent call last\)|^[ \t]+at [\w$.<>]+ \(?[^\s()]+:\d+(?::\d+)?\)?$|File "[^"\n]+", line \d+|[a-z](?:Error|Exception):|Segmentation fault|panicked at|npm ERR!|error TS\d+|error\[E\d+\]|cannot read propert(?:y|ies) of|undefined is not a function|core dumped|exit code \d+|NullPointerException/m;
const SQL = /\bSELECT\b[^;]{1,300}?\bFROM\b|\bINSERT INTO\b|\bCREATE TABLE\b|\bUPDATE[ \t]+\w+[ \t]+SET\b|\bDELETE FROM\b|\bALTER TABLE\b|\bselect \* from\b/;
const FILE_NAME = /\w\.(?:py|js|mjs|cjs|ts|tsx|jsx|java|kt|cpp|cc|hpp|c|h|cs|rs|go|rb|php|swift|scala|sh|bash|ps1|sql|html|css|scss|vue|svelte|ya?ml|toml|ipynb|gradle|lock)\b/g;
const SHELL = /^[ \t]*\$[ \t]+\w/m;

// ── math structure ──
const MONTH = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
const DATE_OR_TIME = new RegExp(String.raw`\b\d{1,4}[/-]\d{1,2}[/-]\d{1,4}\b|\b\d{1,2}:\d{2}\b|\b\d{1,2}(?:st|nd|rd|th)?(?: of)? ${MONTH}\b|\b${MONTH} \d{1,2}(?:st|nd|rd|th)?\b`, "gi");
const ARITHMETIC = /\d[ \t]*%[ \t]*of[ \t]+\$?\d|\d[ \t]*(?:[+*×÷^=]|\*\*)[ \t]*\(?[ \t]*-?[ \t]*\d|\d[ \t]+[-/][ \t]+\(?-?\d|\d\/\d|\)[ \t]*[-+*/×÷][ \t]*\(?[ \t]*-?\d/g;
const ALGEBRA = /\b\d*[xyzn](?:\^\d+|²|³)?[ \t]*[-+*/=<>≤≥][ \t]*[-\d(xyzn]|\b\d+[xyzn]\b|\b[a-z]\^\d|\b[fgh]\([a-z0-9]\)|[√∫∑∏π∞≤≥≠±∂∆²³]|\|[a-z0-9 +-]{1,15}\|/g;
const LATEX = /\\(?:frac|sqrt|int|sum|prod|lim|cdot|times|alpha|beta|gamma|theta|pi|infty|leq|geq|neq|partial|mathbb|binom)\b|\\begin\{(?:equation|align)|\$[^$\n\\^_=]{0,80}[\\^_=][^$\n]{0,80}\$/;
const PURE_EXPRESSION = /^[\s\d()+\-*/×÷^.,=?%]+$/;
const EXPRESSION_LEAD = /^(?:what(?:'s| is)|calculate|compute|evaluate|solve|simplify|cu[aá]nto es|combien font|was ist|сколько будет|计算)[:\s]*/iu;
// Digits beside Latin letters are names or units (5am, B12, 3x); beside CJK they are quantities.
const DIGIT = /\d/;
const NUMBER = /(?<![A-Za-z\d.])\d+(?:[.,]\d+)*(?![A-Za-z\d])/g;
const MONEY_OR_UNIT = /[$€£¥]\s?\d|\d\s?(?:%|percent\b)|\d\s*(?:km|kilometers?|miles?|meters?|cm|mm|kg|grams?|pounds?|lbs?|hours?|minutes?|seconds?|days?|weeks?|months?|years?|dollars?|cents?|euros?|liters?|litres?|gallons?|ounces?|feet|foot|inches|mph|km\/h)\b/giu;
// Asking for a quantity: "how many/much…", "what is the total/probability…", "find the…".
const COUNT_QUESTION = /\bhow (?:many|much|long|far|fast|old|tall)\b|cu[aá]nt[oa]s?|combien|wie viele?|сколько|多少|几个|いくつ|何個/;
const MATH_QUESTION = /\bwhat (?:is|was|'s|are|were|will be) (?:the |her |his |their |its )?(?:total|sum|average|mean|median|number|amount|cost|price|percentage|percent|probability|chance|odds|area|volume|perimeter|value|remainder|ratio|difference|product|speed|distance|profit|result|length|width|height|weight|age)\b|\bfind (?:the|its|their)\b|\b(?:in total|altogether|combined|left over|remaining)\b/;

// ── puzzle structure ──
const OPTION_LETTER = /(?:^|[\n ])\(([A-R])\)[ \t]+\S|^[ \t]*([A-H])[.)][ \t]+\S/gm;
const YES_NO_OPTIONS = /^[ \t]*-[ \t]*(?:yes|no|true|false|valid|invalid|plausible|implausible)[ \t]*$/gim;
const OPTIONS_HEADER = /^[ \t]*(?:options|choices|answer choices)[ \t]*:/im;
const BOOLEAN_TOKEN = /\b(?:True|False)\b/g;
const BOOLEAN_EXPRESSION = /^(?:\s|\(|\)|not|and|or|True|False|is)+$/;
const BRACKET_SEQUENCE = /(?:[[\](){}<>][ \t]+){5}[[\](){}<>]/;

/** Numbered or bulleted lines. */
export const LIST_ITEM = /^[ \t]*(?:\d{1,2}[.)]|[-*•]|\([a-zA-Z0-9]{1,2}\)|[a-hA-H][.)])[ \t]+\S/gm;

export function detectCode(text: string, add: AddFeature) {
  // Fences need backticks or tildes, a shell prompt a dollar sign: most texts skip those patterns.
  const backticks = text.includes("```");
  const fences = backticks || text.includes("~~~") ? Math.floor(countMatches(FENCE, text, 40) / 2) : 0;
  const dataFences = backticks ? Math.floor(countMatches(DATA_FENCE, text, 40) / 2) : 0;
  const codeLines = countMatches(CODE_LINE, text, 200);
  const inline = countMatches(INLINE_CODE, text, 20);
  if (fences > 0) add("code-fence", fences > dataFences ? { coding: 2.5 } : { coding: 0.8, extraction: 0.4 });
  if (codeLines > 0) add("code-lines", { coding: Math.min(4, 0.8 + 0.5 * codeLines) });
  if (inline > 0) add("code-syntax", { coding: Math.min(2.1, 0.35 * inline) });
  if (STACK_TRACE.test(text)) add("stack-trace", { coding: 2.5 });
  if (SQL.test(text)) add("sql", { coding: 2.5 });
  const files = countMatches(FILE_NAME, text, 3);
  if (files > 0) add("file-name", { coding: 0.8 * files });
  if (text.includes("$") && SHELL.test(text)) add("shell-command", { coding: 1.2 });
  return { codeLines, fences };
}

export function detectMath(text: string, codeLines: number, numberWords: number, add: AddFeature) {
  // Dates, arithmetic and numerals all need a digit, and most prose has none: skip those passes.
  const digits = DIGIT.test(text);
  const plain = digits ? text.replace(DATE_OR_TIME, " ") : text;
  const lower = plain.toLowerCase();
  const ops = codeLines > 1 || !digits ? 0 : countMatches(ARITHMETIC, plain, 30);
  const symbols = codeLines > 1 ? 0 : countMatches(ALGEBRA, plain, 30);
  const numbers = digits ? countNumbers(plain.replace(LIST_ITEM, " ")) : 0;
  const trimmed = plain.trim().replace(EXPRESSION_LEAD, "");
  if (ops > 0 && trimmed.length > 0 && PURE_EXPRESSION.test(trimmed)) add("arithmetic-expression", { math: 4 });
  else if (ops > 0) add("arithmetic", { math: Math.min(2.5, 0.6 + 0.4 * ops) });
  if (symbols > 0) add("algebra", { math: Math.min(3, 0.9 * symbols) });
  if (LATEX.test(text)) add("latex", { math: 2 });
  const mathQuestion = MATH_QUESTION.test(lower);
  const quantity = mathQuestion || COUNT_QUESTION.test(lower);
  if (numbers >= 1 && numbers + numberWords >= 2 && (quantity || /[?？]/.test(plain))) {
    // A word problem: a question over several given quantities, stronger when it asks for one.
    const units = countMatches(MONEY_OR_UNIT, plain, 3);
    add("word-problem", { math: (quantity ? 2.2 : 1.4) + (numbers >= 4 ? 0.4 : 0) + 0.4 * units });
  } else if (numbers === 0 && mathQuestion && numberWords >= 1) {
    add("verbal-word-problem", { math: 1.4 });
  } else if (numbers === 0 && /\bhow many (?!times)/.test(lower) && numberWords + countMatches(/,/g, plain, 3) >= 2) {
    // Counting over things described in words ("I have a pen, two cups… how many…") is a puzzle.
    add("counting-puzzle", { reasoning: 1.6 });
  } else if (numbers >= 3 && countMatches(MONEY_OR_UNIT, plain, 3) >= 2) {
    add("quantities", { math: 0.8 });
  }
  return { ops, symbols, numbers };
}

/** Numerals, leaving out bare years (1500–2100), which mark history more than arithmetic. */
function countNumbers(text: string): number {
  let count = 0;
  NUMBER.lastIndex = 0;
  for (let match = NUMBER.exec(text); match && count < 200; match = NUMBER.exec(text)) {
    const value = match[0];
    const isYear = value.length === 4 && Number(value) >= 1500 && Number(value) <= 2100 && text[match.index - 1] !== "$";
    if (!isYear) count++;
  }
  NUMBER.lastIndex = 0;
  return count;
}

export function detectPuzzles(text: string, codeLines: number, add: AddFeature): number {
  const letters = new Set<string>();
  OPTION_LETTER.lastIndex = 0;
  for (let match = OPTION_LETTER.exec(text); match && letters.size < 20; match = OPTION_LETTER.exec(text)) letters.add(match[1] ?? match[2] ?? "");
  OPTION_LETTER.lastIndex = 0;
  // A yes/no option line needs a dash, an options header a colon.
  const yesNo = text.includes("-") ? countMatches(YES_NO_OPTIONS, text, 10) : 0;
  const options = letters.size >= 2 ? letters.size : yesNo >= 2 ? yesNo : 0;
  // Multiple choice is the shape of a reasoning question (or a quiz; other cues decide those).
  if (options > 0) add("multiple-choice", { reasoning: 2.6 });
  if (text.includes(":") && OPTIONS_HEADER.test(text)) add("options-header", { reasoning: 1 });
  const booleans = codeLines === 0 ? countMatches(BOOLEAN_TOKEN, text, 5) : 0;
  if (booleans > 0 && text.length < 400 && BOOLEAN_EXPRESSION.test(text.trim())) add("boolean-expression", { reasoning: 3.5 });
  else if (booleans >= 2) add("boolean-values", { reasoning: 0.6 });
  if (BRACKET_SEQUENCE.test(text)) add("symbol-sequence", { reasoning: 2 });
  return options;
}
