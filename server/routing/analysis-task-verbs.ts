import type { CategoryWeights } from "./analysis-cues";
import { buildLexicon, matchAt, type Tokens } from "./analysis-lexicon";
import type { TaskCategory } from "./categories";

// What the user asks to be made: a task verb ("write", "escribe", "напиши", "写") and the first
// thing named after it. "Write a function" is coding, "write a story" creative, "give me a
// summary" extraction; in a compound the last noun wins ("a one-paragraph summary").

const TASK_VERBS = [
  "write", "writes", "rewrite", "compose", "draft", "craft", "create", "generate", "produce", "pen", "come up with", "give me", "make", "build", "develop", "implement", "design", "code", "program", "prepare", "put together", "need", "help me write", "help me with", "construct", "structure", "brainstorm",
  "escribe", "escríbeme", "escribir", "redacta", "crea", "crear", "genera", "compón", "hazme", "implementa", "desarrolla", "escreva", "écris", "écrivez", "écrire", "rédige", "rédigez", "crée", "créez", "génère", "composez", "implémente", "implémentez", "développe", "développez", "schreib", "schreibe", "schreiben", "verfasse", "erstelle", "erstellen", "dichte", "generiere", "implementiere", "entwickle", "programmiere", "напиши", "напишите", "написать", "создай", "создайте", "сочини", "сочините", "сгенерируй", "реализуй", "реализуйте", "разработай",
];
const UNSPACED_TASK_VERBS = ["写", "寫", "编写", "創作", "创作", "生成", "实现", "作成", "書いて", "作って", "実装"];
const OBJECT_CATEGORIES: readonly TaskCategory[] = ["coding", "creative", "extraction", "math", "reasoning"];
const OBJECT_WEIGHTS: Record<string, number> = { coding: 2.4, creative: 2.2, extraction: 2.0, math: 1.6, reasoning: 1.2 };
const OBJECT_TERMS: readonly (readonly string[])[] = [
  ["function", "functions", "method", "methods", "class", "classes", "program", "programs", "code", "snippet", "algorithm", "algorithms", "app", "apps", "application", "applications", "website", "webpage", "web page", "web app", "api", "apis", "endpoint", "endpoints", "query", "queries", "sql", "regex", "regular expression", "regular expressions", "parser", "cli", "unit test", "unit tests", "test", "tests", "test case", "test cases", "component", "components", "module", "modules", "library", "package", "bot", "dockerfile", "makefile", "schema", "database", "implementation", "data structure", "data structures", "linked list", "binary tree", "binary search tree", "binary search", "stack", "queue", "hash map", "hashmap", "server", "backend", "frontend", "plugin", "extension", "shell command", "script", "loop", "python", "javascript", "typescript", "java", "rust", "golang", "ruby", "php", "swift", "kotlin", "bash", "html", "css", "react", "función", "funcion", "programa", "código", "codigo", "clase", "fonction", "programme", "funktion", "programm", "skript", "klasse", "функци*", "программ*", "код", "скрипт", "класс", "函数", "程序", "代码", "脚本", "関数", "プログラム", "コード", "スクリプト"],
  ["story", "stories", "poem", "poems", "poetry", "haiku", "haikus", "limerick", "limericks", "sonnet", "sonnets", "song", "songs", "lyrics", "rap", "raps", "joke", "jokes", "ballad", "ballads", "ode", "odes", "fable", "fables", "fairy tale", "fairy tales", "novel", "novels", "chapter", "chapters", "screenplay", "screenplays", "script for", "{video|movie|film|podcast|youtube|tv|play} script", "dialog", "dialogs", "dialogue", "dialogues", "monologue", "monologues", "soliloquy", "essay", "essays", "blog", "blog post", "blog posts", "article", "articles", "email", "emails", "e mail", "letter", "letters", "speech", "speeches", "toast", "toasts", "eulogy", "tweet", "tweets", "post", "posts", "caption", "captions", "slogan", "slogans", "tagline", "taglines", "headline", "headlines", "title", "titles", "name", "names", "ad", "ads", "advertisement", "advertisements", "jingle", "jingles", "product description", "product descriptions", "description", "descriptions", "review", "reviews", "bio", "bios", "biography", "cover letter", "invitation", "invitations", "announcement", "announcements", "outline", "outlines", "plot", "plots", "character", "characters", "riddle", "riddles", "pun", "puns", "podcast", "narrative", "paragraph", "message", "note", "card", "rhyme", "rhymes", "verse", "verses", "scene", "scenes", "pitch", "proposal", "press release", "newsletter", "resume", "résumé", "sketch", "poema", "cuento", "historia", "canción", "carta", "ensayo", "discurso", "poème", "histoire", "conte", "chanson", "lettre", "essai", "discours", "gedicht", "geschichte", "märchen", "lied", "brief", "aufsatz", "rede", "стих*", "рассказ*", "историю", "сказку", "песню", "письмо", "эссе", "речь", "诗", "故事", "小说", "歌", "信", "散文", "詩", "物語", "小説", "手紙"],
  ["summary", "summaries", "tldr", "abstract", "list of", "names of", "titles of", "dates of", "details of", "email addresses", "phone numbers", "urls", "links", "dates", "entities", "keywords", "main points", "action items", "table", "json", "csv", "yaml", "bullet points", "key points", "translation", "resumen", "zusammenfassung", "резюме", "摘要", "总结", "要約", "まとめ"],
  ["equation", "equations", "formula", "formulas", "proof", "proofs", "calculation", "ecuación", "équation", "gleichung", "уравнени*", "方程"],
  ["analysis", "comparison", "critique", "evaluation", "argument", "logic puzzle", "puzzle", "riddle"],
];
const VERB_LEXICON = buildLexicon([TASK_VERBS]);
const OBJECT_LEXICON = buildLexicon(OBJECT_TERMS);
const OBJECT_WINDOW_WORDS = 6;
const UNSPACED_OBJECT_WINDOW = 20;

export function detectTaskVerbs(tokens: Tokens, add: (id: string, weights: CategoryWeights) => void): void {
  const credited = new Set<TaskCategory>();
  const credit = (objectEntry: number) => {
    const category = OBJECT_CATEGORIES[objectEntry] as TaskCategory;
    if (credited.has(category)) return;
    credited.add(category);
    add(`make-${category}`, { [category]: OBJECT_WEIGHTS[category] ?? 1 });
  };
  const { words, breakBefore } = tokens;
  let verbs = 0;
  for (let index = 0; index < words.length && verbs < 8; index++) {
    const verb = matchAt(VERB_LEXICON, tokens, index);
    if (!verb) continue;
    verbs++;
    // The first object after the verb, within the sentence, is what is being made.
    const end = Math.min(words.length, index + verb.length + OBJECT_WINDOW_WORDS);
    for (let cursor = index + verb.length; cursor < end; cursor++) {
      if (breakBefore[cursor]) break;
      let object = matchAt(OBJECT_LEXICON, tokens, cursor);
      if (object) {
        // In a compound ("a one-paragraph summary", "a JSON parser") the last noun is the thing made.
        for (let next = cursor + object.length; next < words.length && !breakBefore[next]; ) {
          const following = matchAt(OBJECT_LEXICON, tokens, next);
          if (!following) break;
          object = following;
          next += following.length;
        }
        credit(object.entry);
        break;
      }
    }
    index += verb.length - 1;
  }
  if (!tokens.hasUnspaced) return;
  for (const verb of UNSPACED_TASK_VERBS) {
    const at = tokens.lower.indexOf(verb);
    if (at < 0) continue;
    const window = tokens.lower.slice(at + verb.length, at + verb.length + UNSPACED_OBJECT_WINDOW);
    let best: { entry: number; index: number } | undefined;
    for (const { term, entry } of OBJECT_LEXICON.unspaced) {
      const found = window.indexOf(term);
      if (found >= 0 && (!best || found < best.index)) best = { entry, index: found };
    }
    if (best) credit(best.entry);
  }
}
