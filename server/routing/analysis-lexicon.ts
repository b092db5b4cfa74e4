// Fast whole-word matching of many terms at once. Text is split once into lowercase word tokens
// (letters of any script, digits), and terms are looked up by their first token, so the cost is
// one pass over the text whatever the number of terms. Scripts written without spaces (CJK,
// Thai) are matched as substrings instead.

export type Tokens = {
  words: string[];
  /** True where a sentence or line break separates the word from the one before. */
  breakBefore: boolean[];
  /** The lowercased text, for substring terms. */
  lower: string;
  hasUnspaced: boolean;
};

/** Phrases as a trie of words: matching walks only as deep as the text agrees. */
type TrieNode = { next: Map<string, TrieNode>; entries: number[] };

export type Lexicon = {
  root: TrieNode;
  /** Prefix terms keyed by their first two characters (a number: no allocation per word). */
  prefixes: Map<number, { prefix: string; entry: number }[]>;
  /** "*word" terms: compounds ending in a word (German "Gutenachtgeschichte"), keyed by their last two characters. */
  suffixes: Map<number, { suffix: string; entry: number }[]>;
  unspaced: { term: string; entry: number }[];
  size: number;
};

const WORD = /[\p{L}\p{M}\p{N}]+/gu;
// Unspaced scripts separate words too, so "用Python写" yields "python"; they are matched as substrings.
const NON_WORD = /((?:[^\p{L}\p{M}\p{N}]|[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}])+)/u;
const NON_ASCII = /[^\x00-\x7f]/;
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
const PREFIX_KEY = 3;

export function tokenize(text: string): Tokens {
  const lower = text.toLowerCase();
  if (!NON_ASCII.test(lower)) return tokenizeAscii(lower);
  // One native split: words at even positions, the gaps between them at odd ones.
  const parts = lower.split(NON_WORD);
  const words: string[] = [];
  const breakBefore: boolean[] = [];
  let gapBefore = false;
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] as string;
    if (index % 2 === 1) {
      gapBefore = hasSentenceBreak(part, 0, part.length);
    } else if (part) {
      words.push(part);
      breakBefore.push(gapBefore);
      gapBefore = false;
    }
  }
  return { words, breakBefore, lower, hasUnspaced: UNSPACED.test(lower) };
}

/**
 * The same for plain ASCII text (most prompts), where words are runs of [a-z0-9]: a loop over the
 * characters is several times cheaper than the Unicode-aware split.
 */
function tokenizeAscii(lower: string): Tokens {
  const words: string[] = [];
  const breakBefore: boolean[] = [];
  let index = 0;
  while (index < lower.length) {
    const gapStart = index;
    while (index < lower.length && !isAsciiWordChar(lower.charCodeAt(index))) index++;
    const wordStart = index;
    while (index < lower.length && isAsciiWordChar(lower.charCodeAt(index))) index++;
    if (index > wordStart) {
      words.push(lower.slice(wordStart, index));
      breakBefore.push(hasSentenceBreak(lower, gapStart, wordStart));
    }
  }
  return { words, breakBefore, lower, hasUnspaced: false };
}

function isAsciiWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
}

/** In text[from, to): a line break, sentence punctuation followed by a space, or CJK sentence punctuation. */
function hasSentenceBreak(text: string, from: number, to: number): boolean {
  for (let index = from; index < to; index++) {
    const code = text.charCodeAt(index);
    if (code === 10 || code === 0x3002 || code === 0xff01 || code === 0xff1f || code === 0xff1b) return true;
    const next = index + 1 < to ? text.charCodeAt(index + 1) : -1;
    // . ! ? ; : followed by a space, tab or line break
    if ((code === 46 || code === 33 || code === 63 || code === 59 || code === 58) && (next === 32 || next === 9 || next === 10 || next === 13)) return true;
  }
  return false;
}

function prefixKey(word: string): number {
  return word.charCodeAt(0) * 65536 + word.charCodeAt(1);
}

function suffixKey(word: string): number {
  return word.charCodeAt(word.length - 2) * 65536 + word.charCodeAt(word.length - 1);
}

function addKeyed<T>(map: Map<number, T[]>, key: number, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Expands "{a|b} c" into ["a c", "b c"] (an empty alternative is allowed: "{|the }end"), so
 * term lists stay short and readable.
 */
export function expandTerm(term: string): string[] {
  const open = term.indexOf("{");
  if (open < 0) return [term];
  const close = term.indexOf("}", open);
  if (close < 0) return [term];
  const head = term.slice(0, open);
  const tail = term.slice(close + 1);
  return term
    .slice(open + 1, close)
    .split("|")
    .flatMap((choice) => expandTerm(`${head}${choice}${tail}`));
}

/**
 * Compiles term groups into one lexicon; a match reports the index of its group. A term is a
 * word or phrase; "word*" matches any word starting with "word" (at least three letters), and
 * "*word" any longer word ending with it (at least four letters).
 */
export function buildLexicon(groups: readonly (readonly string[])[]): Lexicon {
  const lexicon: Lexicon = { root: { next: new Map(), entries: [] }, prefixes: new Map(), suffixes: new Map(), unspaced: [], size: groups.length };
  groups.forEach((terms, entry) => {
    for (const term of terms.flatMap(expandTerm)) {
      const lower = term.toLowerCase().trim();
      if (!lower) continue;
      if (UNSPACED.test(lower) && !/\s/.test(lower)) {
        lexicon.unspaced.push({ term: lower, entry });
        continue;
      }
      if (lower.startsWith("*") && !/\s/.test(lower)) {
        const suffix = lower.slice(1);
        if (suffix.length < 4) throw new Error(`suffix term too short: ${term}`);
        addKeyed(lexicon.suffixes, suffixKey(suffix), { suffix, entry });
        continue;
      }
      if (lower.endsWith("*") && !/\s/.test(lower)) {
        const prefix = lower.slice(0, -1);
        if (prefix.length < PREFIX_KEY) throw new Error(`prefix term too short: ${term}`);
        addKeyed(lexicon.prefixes, prefixKey(prefix), { prefix, entry });
        continue;
      }
      const parts = lower.match(WORD);
      if (!parts || parts.length === 0) continue;
      let node = lexicon.root;
      for (const part of parts) {
        let child = node.next.get(part);
        if (!child) {
          child = { next: new Map(), entries: [] };
          node.next.set(part, child);
        }
        node = child;
      }
      if (!node.entries.includes(entry)) node.entries.push(entry);
    }
  });
  return lexicon;
}

/** Longest term starting at word `index`: its group and length in words, or undefined. */
export function matchAt(lexicon: Lexicon, tokens: Tokens, index: number): { entry: number; length: number } | undefined {
  const { words } = tokens;
  let best: { entry: number; length: number } | undefined;
  let node: TrieNode | undefined = lexicon.root;
  for (let depth = 0; index + depth < words.length; depth++) {
    node = node.next.get(words[index + depth] as string);
    if (!node) break;
    if (node.entries.length > 0) best = { entry: node.entries[0] as number, length: depth + 1 };
  }
  if (best) return best;
  const word = words[index] as string;
  if (word.length >= PREFIX_KEY && lexicon.prefixes.size > 0) {
    const prefixes = lexicon.prefixes.get(prefixKey(word));
    if (prefixes) for (const { prefix, entry } of prefixes) if (word.startsWith(prefix)) return { entry, length: 1 };
  }
  const suffixes = word.length > 4 && lexicon.suffixes.size > 0 ? lexicon.suffixes.get(suffixKey(word)) : undefined;
  if (suffixes) for (const { suffix, entry } of suffixes) if (word.length > suffix.length && word.endsWith(suffix)) return { entry, length: 1 };
  return undefined;
}

/**
 * Matches per group, group i's count stopping at caps[i]. Within a group, matches do not overlap
 * ("the following text" is one match, not also "following text").
 */
export function countTerms(lexicon: Lexicon, tokens: Tokens, caps: readonly number[]): number[] {
  // Plain arrays: cheaper to allocate than a typed array, and this runs several times a prompt.
  const counts = new Array<number>(lexicon.size).fill(0);
  const coveredUntil = new Array<number>(lexicon.size).fill(0);
  const { words } = tokens;
  for (let index = 0; index < words.length; index++) {
    let node: TrieNode | undefined = lexicon.root;
    for (let depth = 0; index + depth < words.length; depth++) {
      node = node.next.get(words[index + depth] as string);
      if (!node) break;
      for (const entry of node.entries) record(counts, coveredUntil, caps, entry, index, depth + 1);
    }
    const word = words[index] as string;
    if (word.length >= PREFIX_KEY && lexicon.prefixes.size > 0) {
      const prefixes = lexicon.prefixes.get(prefixKey(word));
      if (prefixes) for (const { prefix, entry } of prefixes) if (word.startsWith(prefix)) record(counts, coveredUntil, caps, entry, index, 1);
    }
    // Suffix terms have at least four letters and match longer words only.
    if (word.length > 4 && lexicon.suffixes.size > 0) {
      const suffixes = lexicon.suffixes.get(suffixKey(word));
      if (suffixes) for (const { suffix, entry } of suffixes) if (word.length > suffix.length && word.endsWith(suffix)) record(counts, coveredUntil, caps, entry, index, 1);
    }
  }
  if (tokens.hasUnspaced) {
    for (const { term, entry } of lexicon.unspaced) {
      for (let from = tokens.lower.indexOf(term); from >= 0 && (counts[entry] as number) < (caps[entry] ?? 1); from = tokens.lower.indexOf(term, from + term.length)) {
        counts[entry] = (counts[entry] as number) + 1;
      }
    }
  }
  return counts;
}

/** Counts a match of `entry` at word `index` unless it overlaps the group's previous match or the group is at its cap. */
function record(counts: number[], coveredUntil: number[], caps: readonly number[], entry: number, index: number, length: number) {
  if (index < (coveredUntil[entry] as number) || (counts[entry] as number) >= (caps[entry] ?? 1)) return;
  coveredUntil[entry] = index + length;
  counts[entry] = (counts[entry] as number) + 1;
}
