import type { TaskCategory } from "./categories";

// The lexical evidence: whole-word cue lists (English plus common Spanish, French, German,
// Portuguese, Russian, Chinese and Japanese words) with a weight per category. Weights are
// log-odds-like: ~0.5 is a hint, ~1.5 a clear sign, ~2.5 nearly decisive on its own.
// Term syntax (analysis-lexicon.ts): "{a|b}" alternatives, "word*" a prefix.

export type CategoryWeights = Partial<Record<TaskCategory, number>>;

export type Cue = {
  id: string;
  terms: readonly string[];
  weights: CategoryWeights;
  /** Matches counted; each one past the first adds half the weight. */
  cap: number;
};

/**
 * A cue that needs a pattern rather than words (run on the lowercased text). `needs`: text that
 * every match contains, so a text without it skips the pattern (a substring search is much cheaper).
 */
export type PatternCue = { id: string; pattern: RegExp; weights: CategoryWeights; cap: number; needs?: string };

const LANGUAGES = "{english|spanish|french|german|chinese|japanese|russian|italian|portuguese|korean|arabic|hindi|dutch}";
const SOURCE_NOUNS = "{text|passage|paragraph|article|document|email|transcript|report|review|reviews|data|record|records|log|logs|table|excerpt|sentence|sentences|list|message|conversation|notes|invoice|receipt|contract|resume|information|texts|story|essay|comments|ticket|ad|job ad|posting|job posting|listing|description|profile|page|thread|chat|post|recipe|minutes}";

const cue = (id: string, weights: CategoryWeights, cap: number, terms: readonly string[]): Cue => ({ id, terms, weights, cap });

export const LEXICAL_CUES: readonly Cue[] = [
  // ── coding ──
  cue("code-core", { coding: 1.3 }, 3, [
    "code", "coding", "codebase", "source code", "programming", "programmer", "coder", "debug", "debugging", "debugger", "bug", "bugs", "buggy", "compile", "compiler", "compiles", "compiled", "compiling", "compilation", "refactor", "refactoring", "refactored", "unit test", "unit tests", "regex", "regexes", "regular expression", "regular expressions", "api", "apis", "endpoint", "endpoints", "sdk", "repo", "repository", "github", "gitlab", "pull request", "merge conflict", "dockerfile", "docker", "kubernetes", "k8s", "stack trace", "stacktrace", "segfault", "segmentation fault", "null pointer", "memory leak", "runtime error", "syntax error", "stdin", "stdout", "localhost", "npm", "pip install", "webpack", "eslint", "linter",
    "typescript", "javascript", "python", "python3", "golang", "kotlin", "haskell", "rust", "rustlang", "php", "perl", "lua", "powershell", "bash", "shell script", "sql", "nosql", "postgres", "postgresql", "mysql", "sqlite", "mongodb", "redis", "html", "html5", "css", "react", "reactjs", "vue", "vuejs", "angular", "svelte", "node js", "nodejs", "next js", "django", "flask", "fastapi", "spring boot", "rails", "pandas", "numpy", "pytorch", "tensorflow", "jquery", "json schema", "yaml", "graphql", "rest api", "oauth", "jwt", "git", "devops", "ci cd", "backend", "frontend", "full stack", "fullstack", "microservice", "microservices", "time complexity", "space complexity", "div", "flexbox", "dom", "json api", "css grid", "vs code", "vscode", "ide", "jupyter", "notebook cell", "commit", "commits", "rebase", "git stash", "branch", "terraform", "ansible", "aws", "s3", "ec2", "gcp", "azure", "nginx", "linux", "ubuntu", "kubectl", "helm", "ci", "pipeline", "const", "var", "let const", "null", "undefined", "nullptr", "boolean", "json", "xml", "csv file", "environment variable", "env var", "dependency", "dependencies", "stack overflow", "localhost", "port", "http", "https", "url", "dns", "ssl", "tls", "cron", "cronjob", "sudo", "apt get", "brew install", "pip3 install", "npm install", "npm run", "npx", "yarn add", "pnpm", "cargo run", "cargo build", "go run", "go build", "go mod", "git {clone|commit|push|pull|checkout|rebase|merge|status|diff|add|log|reset|revert}", "docker {run|build|compose}", "chmod", "javac", "gcc",
  ]),
  cue("in-language", { coding: 0.8 }, 1, ["{in|using|with} {python|javascript|typescript|java|go|golang|rust|ruby|php|css|html|sql|bash|swift|kotlin|scala|haskell|react|node|c}"]),
  cue("code-concepts", { coding: 0.55 }, 4, [
    "function", "functions", "method", "methods", "algorithm", "algorithms", "implement", "implementation", "implementing", "implemented", "array", "arrays", "linked list", "linked lists", "binary tree", "binary trees", "binary search tree", "hash map", "hashmap", "hash table", "hash set", "dictionary", "dictionaries", "data structure", "data structures", "recursion", "recursive", "recursively", "dynamic programming", "time complexity", "space complexity", "big o", "loop", "loops", "string", "strings", "variable", "variables", "integer", "integers", "boolean", "booleans", "syntax", "runtime", "exception", "exceptions", "async", "await", "callback", "callbacks", "lambda", "constructor", "inheritance", "polymorphism", "object oriented", "pointer", "pointers", "struct", "enum", "generics", "interface", "module", "library", "package", "framework", "database", "query", "queries", "schema", "server", "client", "software", "developer", "app", "website", "webpage", "web page", "web app", "script", "terminal", "command line", "cli", "deploy", "deployment", "deploying", "parser", "tokenizer", "interpreter", "binary search", "sorting algorithm", "input list", "return value", "returns", "edge case", "edge cases", "node", "dataframe", "dataframes", "type hints", "type hint", "typing", "closure", "closures", "hoisting", "quicksort", "merge sort", "mergesort", "bubble sort", "heap sort", "heapsort", "insertion sort", "dijkstra", "bfs", "dfs", "breadth first search", "depth first search", "hash function", "memoization", "big o notation",
  ]),
  cue("code-multilingual", { coding: 1.2 }, 2, [
    "código", "codigo", "programación", "programar", "función", "funcion", "algoritmo", "depurar", "fonction", "programmation", "algorithme", "débogu*", "funktion", "*funktion", "programmierung", "programmieren", "quellcode", "algorithmus", "programm", "код", "кода", "коде", "коду", "программ*", "функци*", "алгоритм*", "отлад*",
    "代码", "代碼", "编程", "程序", "函数", "函數", "算法", "调试", "脚本", "コード", "プログラム", "関数", "アルゴリズム", "デバッグ", "코드", "프로그램", "함수",
  ]),

  // ── math ──
  cue("math-core", { math: 1.3 }, 3, [
    "math", "maths", "mathematics", "mathematical", "mathematically", "arithmetic", "algebra", "algebraic", "geometry", "trigonometry", "calculus", "equation", "equations", "inequality", "inequalities", "integral", "integrals", "integrate", "derivative", "derivatives", "differentiate", "polynomial", "polynomials", "quadratic", "logarithm", "logarithms", "factorial", "factorials", "prime number", "prime numbers", "primes", "divisible", "divisor", "divisors", "gcd", "lcm", "greatest common divisor", "least common multiple", "probability", "probabilities", "standard deviation", "variance", "matrix", "matrices", "determinant", "eigen*", "theorem", "theorems", "lemma", "square root", "cube root", "hypotenuse", "perimeter", "circumference", "combinatorics", "permutation", "permutations", "expected value", "how many ways", "number of ways", "calculate", "calculation", "compute", "solve for", "simplify", "evaluate the {expression|integral|sum|limit}",
  ]),
  cue("math-weak", { math: 0.7 }, 3, [
    "fraction", "fractions", "decimal", "decimals", "percent", "percentage", "percentages", "exponent", "exponents", "remainder", "vector", "vectors", "squared", "cubed", "radius", "diameter", "area of", "volume of", "slope", "intercept", "combinations", "dice", "die roll", "coin flip", "coin toss", "odds", "average", "mean", "median", "fahrenheit", "celsius", "kelvin", "angle", "angles", "triangle", "triangles", "polygon", "hexagon", "pentagon", "octagon", "rectangle", "rectangles", "circle", "circles", "sphere", "cylinder", "cone", "sum of", "product of", "integer", "integers", "digits", "multiply", "divide", "divided by", "multiplied by", "plus", "minus", "times",
  ]),
  cue("quantity-question", { math: 0.6 }, 1, ["how much", "how many"]),
  cue("math-multilingual", { math: 1.1 }, 2, [
    "calcula", "calcular", "calcule", "calcules", "calculez", "calculer", "berechne", "berechnen", "rechne", "вычисли", "вычислите", "посчитай", "посчитайте", "рассчитай", "рассчитайте", "ecuación", "ecuaciones", "équation", "équations", "gleichung", "gleichungen", "*gleichung", "уравнени*", "resuelve", "resolver", "résous", "résoudre", "löse", "lösen", "реши", "решите", "probabilidad", "probabilité", "wahrscheinlichkeit", "вероятност*", "matemática", "matemáticas", "mathématiques", "mathematik", "математик*", "derivada", "dérivée", "ableitung", "производн*", "integral", "intégrale", "интеграл*", "límite",
    "计算", "算一下", "計算", "之和", "求和", "整数", "平方", "乘以", "除以", "加上", "减去", "方程", "方程式", "求解", "概率", "確率", "数学", "等于", "导数", "微分", "积分", "積分",
  ]),
  cue("quantity-question-multilingual", { math: 0.6 }, 1, ["cuánto", "cuántos", "cuánta", "cuántas", "combien", "wie viel", "wie viele", "сколько", "多少", "いくつ"]),

  // ── reasoning ──
  cue("reasoning-logic", { reasoning: 1.1 }, 3, [
    "logic", "logical", "logically", "deduce", "deduction", "deductive", "deductively", "inductive", "infer", "inference", "premise", "premises", "syllogism", "fallacy", "fallacies", "valid", "invalid", "paradox", "riddle", "puzzle", "brain teaser", "brainteaser", "contradiction", "necessarily", "sufficient", "necessary condition", "if and only if", "implies", "entail", "entails", "entailment", "consistent", "inconsistent", "tells the truth", "tell the truth", "telling the truth", "lying", "is lying", "are lying", "lies", "liar", "truth teller", "knight", "knights", "knave", "knaves", "plausible", "sarcastic", "sarcasm", "antecedent", "ambiguous", "ambiguity",
  ]),
  cue("reasoning-analysis", { reasoning: 0.6 }, 4, [
    "reason through", "reason about", "justify", "tradeoff", "compare and contrast", "compare", "comparison", "versus", "analyze", "analyse", "analysis", "evaluate", "critique", "assess", "weigh", "which is better", "what is wrong with", "what's wrong with", "what would happen", "implication", "implications", "consequence", "consequences", "estimate", "roughly", "approximately", "ballpark", "back of the envelope", "fermi", "order of magnitude", "orders of magnitude", "conclude", "conclusion", "therefore", "hypothesis", "hypotheses", "counterargument", "counter argument", "flaw", "flawed", "flaws", "weakness", "weaknesses", "assumption", "assumptions", "cause", "caused", "causes", "causation", "causal", "intentional", "intentionally", "explain why", "reason", "reasons", "reasoning",
  ]),
  cue("reasoning-request", { reasoning: 1.4 }, 2, [
    "step by step", "walk me through", "justify your answer", "critically", "both sides", "for and against", "the claim that", "arguments for", "lay out", "weigh up", "think carefully", "think through", "think it through", "estimate how {many|much}", "explain your assumptions", "what's wrong with this {reasoning|argument|logic}", "what is wrong with this {reasoning|argument|logic}", "flaw in", "flaws in", "pros and cons", "trade offs", "tradeoffs", "trade off", "can we conclude", "can you conclude", "what can we conclude", "does it follow", "it follows that", "explain your {answer|reasoning|logic|thinking}", "show your {reasoning|work|thinking}", "why or why not", "what could be the {reason|reasons|cause|causes|explanation}", "which of the following", "most likely", "least likely", "best explains", "can be concluded", "must be true", "cannot be true", "could be true", "true or false", "is the following {sentence|statement|argument|claim} {plausible|true|valid|correct}", "does not belong", "odd one out", "what is the relationship", "how are they related",
  ]),
  cue("ordering", { reasoning: 0.9 }, 2, ["sort", "sorted", "sorting", "alphabetical", "alphabetically", "ascending", "descending", "in order of", "rank them", "put them in order"]),
  cue("reasoning-relations", { reasoning: 0.9 }, 4, [
    "to the left of", "to the right of", "leftmost", "rightmost", "{second|third|fourth|fifth|sixth} {|from the }{left|right}", "{second|third|fourth|fifth|sixth} {newest|oldest|cheapest|most expensive}", "finished {above|below|first|last|second|third}", "{older|younger|taller|shorter|heavier|lighter|faster|slower|cheaper} than", "more expensive than", "less expensive than", "swap", "swaps", "swapped", "swapping", "switch partners", "switched partners", "at the end of the", "turn {left|right|around}", "always face forward", "starting point", "mm dd yyyy", "next number", "next term", "next letter", "sequence", "yesterday", "tomorrow", "day after tomorrow", "day before yesterday", "what day", "days ago", "days from now", "which {is|weighs|costs} more", "which {is|weighs|costs} less", "at either end", "next to", "immediately to the {left|right} of", "what comes next", "next {number|term|letter} in the {sequence|series|pattern}", "complete the {sequence|pattern|series}", "parentheses", "brackets", "relationship between", "{father|mother|sister|brother|son|daughter|grandfather|grandmother|uncle|aunt} of",
  ]),
  cue("reasoning-multilingual", { reasoning: 1.0 }, 2, [
    "por qué", "pourquoi", "warum", "wieso", "weshalb", "почему", "зачем", "lógica", "lógico", "logique", "logik", "логик*", "rompecabezas", "acertijo", "énigme", "rätsel", "загадк*", "головоломк*", "paso a paso", "étape par étape", "schritt für schritt", "шаг за шагом", "razonamiento", "razona", "raisonnement", "begründe", "begründung", "обоснуй*", "рассуждени*", "secuencia", "séquence", "последовательност*", "demuestra", "démontre", "démontrez", "beweise", "докажи", "докажите",
    "为什么", "為什麼", "为何", "なぜ", "どうして", "왜", "逻辑", "論理", "推理", "谜题", "謎", "一步一步", "逐步", "ステップバイステップ", "证明", "証明",
  ]),
  cue("prove", { math: 0.9, reasoning: 0.9 }, 2, ["prove", "proof", "proofs", "show that", "demonstrate that"]),
  cue("why", { reasoning: 0.5, general: 0.2 }, 2, ["why", "how come"]),

  // ── creative ──
  cue("creative-forms-strong", { creative: 1.3 }, 2, [
    "poem", "poems", "poetry", "poetic", "haiku", "haikus", "limerick", "limericks", "sonnet", "sonnets", "ballad", "ballads", "lyrics", "short story", "fairy tale", "fairytale", "screenplay", "once upon a time", "slogan", "slogans", "tagline", "taglines", "bedtime story", "fan fiction", "fanfic",
  ]),
  cue("creative-forms", { creative: 0.8 }, 4, [
    "story", "stories", "ode", "odes", "song", "songs", "rhyme", "rhymes", "rhyming", "verse", "verses", "stanza", "stanzas", "fiction", "fictional", "fantasy", "sci fi", "fairy tale", "fairytale", "fable", "fables", "myth", "myths", "novel", "short story", "character", "characters", "plot", "narrative", "narrator", "protagonist", "villain", "heroine", "dialogue", "dialogues", "monologue", "soliloquy", "screenplay", "{movie|film|video|podcast|tv|youtube|play|scene} script", "script for", "once upon a time", "slogan", "slogans", "tagline", "taglines", "jingle", "jingles", "headline", "headlines", "blog post", "blog posts", "essay", "speech", "toast", "eulogy", "cover letter", "tweet", "tweets", "caption", "captions", "announcement", "invitation", "email", "e mail", "letter", "movie review", "product description", "advertisement", "ad copy", "marketing copy", "joke", "jokes", "pun", "puns", "metaphor", "metaphors", "imagery", "alliteration",
  ]),
  cue("creative-style", { creative: 0.6 }, 4, [
    "creative", "creatively", "imaginative", "imagine", "vivid", "captivating", "engaging", "compelling", "catchy", "whimsical", "humorous", "funny", "witty", "heartfelt", "persuasive", "inspiring", "inspirational", "dramatic", "emotional", "romantic", "spooky", "in the style of", "in the voice of", "tone", "rewrite", "rephrase", "paraphrase", "reword", "proofread", "polish", "edit", "grammar", "grammatical", "spelling", "make it {more|less|sound}", "more formal", "more casual",
  ]),
  cue("roleplay", { creative: 1.6 }, 2, [
    "act as", "acting as", "pretend to be", "pretend you are", "pretend you're", "pretend that you", "roleplay", "role play", "imagine a world", "imagine if", "a day in the life", "{take on|assume|play|adopt|embrace} the {role|persona|part} of", "embody", "persona", "in character", "imagine you are", "imagine you're", "imagine yourself", "imagine that you", "picture yourself", "you are now", "speak like", "as if you were", "if you were a", "if you were an", "yourself as a", "yourself as an", "you are a", "you are an",
  ]),
  cue("creative-multilingual", { creative: 1.3 }, 2, [
    "poema", "poemas", "poesía", "eslogan", "cuento", "relato", "canción", "rima", "poème", "poésie", "conte", "récit", "chanson", "gedicht", "gedichte", "märchen", "erzählung", "lied", "reim", "*geschichte", "*gedicht", "*gedichte", "*märchen", "стих*", "рассказ*", "сказк*", "песн*", "поэм*",
    "诗", "詩", "诗歌", "故事", "小说", "小說", "歌词", "物語", "小説", "俳句", "歌詞", "이야기",
  ]),
  cue("story-ambiguous", { creative: 0.5, factual: 0.3 }, 1, ["historia", "histoire", "geschichte", "историю"]),

  // ── extraction ──
  cue("extract-strong", { extraction: 1.8 }, 2, [
    "extract", "extraction", "extracted", "extracting", "extracts", "pull out", "named entity", "named entities", "list all", "list every", "list each", "find all", "find every", "identify all", "key value pairs", "fill in the {form|table|fields|template}", "on a scale of",
  ]),
  cue("extract", { extraction: 1.0 }, 3, [
    "parse", "parsing", "identify the", "pull {the|all|every}", "assign {each|them|it|every} to", "which category", "categories", "mentioned", "entities", "key value", "tabulate", "classify", "categorize", "categorise", "label each", "tag each", "sentiment", "occurrence", "occurrences", "appear", "appears", "how many times", "keywords", "email addresses", "phone numbers", "convert", "reformat",
  ]),
  cue("summarize", { extraction: 1.6 }, 2, [
    "summary", "summaries", "summari*", "sum up", "tldr", "condense", "recap", "key {points|takeaways|facts|findings|information|details|ideas|themes}", "main {points|ideas|arguments|themes|takeaways}", "gist", "bullet points", "bullet point", "abstract", "action items", "action points", "to do items", "todos", "takeaways",
  ]),
  cue("structured-output", { extraction: 1.3 }, 2, [
    "{in|as|into|to} {|a |an }{json|csv|yaml|xml|tsv|markdown table|table|spreadsheet}", "{json|csv|yaml|xml|tsv} {format|string|object|array|output}", "output format", "output in", "return the results", "format {them|it|this|these|the results} as", "as a {list|table|bulleted list|numbered list|shopping list|checklist}", "{return|output|give me|produce|generate|respond with} {|a |an }{json|csv|yaml|xml} {|object|array|list|string}", "with {the |}{fields|keys|columns}", "one {line|row} {for|per} each",
  ]),
  cue("source-text", { extraction: 0.6 }, 2, [
    "{the |this |these |}{following|given|above|below|provided|attached|preceding} " + SOURCE_NOUNS, "from {the|this} " + SOURCE_NOUNS, "{these|this} " + SOURCE_NOUNS, "in the {text|passage|paragraph|article|document} {below|above}", SOURCE_NOUNS + " {below|above}", "{in|from} {this|these|the|my} {text|notes|meeting notes|transcript|email|article|document|paragraph|passage|log|logs|data|table|receipt|invoice|review|reviews}",
  ]),
  cue("translate", { extraction: 2, creative: 0.3 }, 1, ["translate", "translating", "translate {this|it|the following} {into|to} " + LANGUAGES, "translate {into|to} " + LANGUAGES, "in " + LANGUAGES + " please"]),
  cue("translation-topic", { extraction: 0.5 }, 1, ["translation", "translations", "from " + LANGUAGES + " to " + LANGUAGES]),
  cue("extraction-multilingual", { extraction: 1.6 }, 2, [
    "extrae", "extraer", "extraiga", "resumen", "resume", "resúme*", "resumir", "extraire", "extrais", "extrait", "extrayez", "résum*", "extrahiere", "extrahieren", "zusammenfassung", "zusammenfassen", "извлеки", "извлечь", "извлеките", "вытащи", "из текста", "del texto", "du texte", "aus dem text", "从文本中", "从下面", "краткое содержание", "кратко изложи", "резюм*", "суммаризир*", "перечисли*", "traduce", "traducir", "traduis", "traduire", "traduisez", "übersetze", "übersetzen", "переведи", "переведите", "перевести", "traduza", "traduzir", "traduci",
    "提取", "抽取", "总结", "總結", "概括", "摘要", "归纳", "列出", "要約", "抽出", "まとめて", "翻译", "翻譯", "翻訳",
  ]),

  // ── factual ──
  cue("factual-question", { factual: 1.2 }, 2, [
    "who {is|was|were|are|invented|discovered|wrote|founded|painted|built|created|won|named|led}", "when {did|was|were|is|does}", "where {is|are|was|were|did|does|do}", "what year", "in which {year|country|city|century}", "which {country|city|year|planet|element|president|company}", "how {tall|old|far|big|deep|long} is", "what {is|are|was|were} {the |}{meaning|definition|origin|history|purpose|role|cause|causes|difference|differences}", "{capital|population|currency|president|prime minister|king|queen|founder|inventor|author|ceo|language} of", "tell me about", "fact about", "facts about", "history of", "origin of", "origins of", "define", "definition", "meaning of", "stand for", "explain {the|what|how}", "describe {the|how}", "difference between", "differences between", "what are {the |}{|main |key }{types|kinds|causes|effects|benefits|principles|stages|components}", "what causes", "what caused", "what happened", "what {language|languages|currency|country|city|continent|planet|ocean|river|mountain}",
  ]),
  cue("factual-ask", { factual: 0.6 }, 2, [
    "what does {a|an|the}", "what is", "what are", "what was", "what were", "who", "when", "where", "which", "explain", "describe", "discuss", "outline", "elaborate", "overview", "what is meant by", "how does", "how do", "how did", "what causes", "what happens when",
  ]),
  cue("factual-domain", { factual: 0.45 }, 4, [
    "physics", "chemistry", "biology", "molecule", "molecules", "atom", "atoms", "cell", "cells", "dna", "gene", "genes", "genetic", "protein", "proteins", "photosynthesis", "evolution", "species", "planet", "planets", "galaxy", "galaxies", "universe", "gravity", "quantum", "relativity", "climate", "ecosystem", "ecosystems", "economy", "economics", "economic", "inflation", "gdp", "government", "democracy", "constitution", "law", "laws", "treaty", "war", "empire", "revolution", "century", "ancient", "medieval", "dynasty", "civilization", "civilizations", "philosophy", "philosopher", "philosophers", "theory", "principle", "principles", "mechanism", "process", "vaccine", "vaccines", "disease", "diseases", "virus", "viruses", "bacteria", "immune", "chemical", "reaction", "element", "elements", "compound", "compounds", "acid", "acids", "mountain", "mountains", "river", "rivers", "continent", "continents", "country", "countries", "ocean", "oceans", "historical", "scientific", "scientist", "scientists", "invented", "discovered", "capital", "earth", "sun", "moon", "stars", "seasons", "tides", "light", "sound", "electricity", "magnet", "magnetic", "energy", "heat", "volcano", "volcanoes", "earthquake", "earthquakes", "brain", "heart", "blood", "organ", "organs", "nerve", "hormone", "enzyme", "organism", "mitochondria", "mitochondrion", "nucleus", "photon", "electron", "atmosphere", "oxygen", "carbon", "solar system", "continent", "empire", "dinosaurs",
  ]),
  cue("factual-multilingual", { factual: 1.0 }, 2, [
    "qué es", "que es", "quién es", "quién fue", "quien es", "quien fue", "cuál es", "cual es", "dónde está", "donde esta", "cuándo", "qu est ce que", "qu est ce qu", "qui est", "qui était", "qui a {écrit|inventé|découvert|peint|fondé|gagné}", "wer hat", "quién {escribió|inventó|descubrió|pintó|fundó|ganó}", "кто {написал|изобрёл|изобрел|открыл|основал}", "谁写", "谁发明", "谁发现", "où est", "où se trouve", "quand", "was ist", "was sind", "wer ist", "wer war", "wo ist", "wo liegt", "wann", "что такое", "кто такой", "кто такая", "кто был", "кто была", "где находится", "когда", "capitale", "hauptstadt", "столица", "столицей", "historia de", "histoire de",
    "什么是", "是什么", "是谁", "谁是", "在哪里", "哪一年", "とは", "何ですか", "誰", "どこ", "いつ", "首都", "高さ", "人口", "何年", "何メートル", "面積",
  ]),

  // ── general ──
  cue("advice", { general: 1.0 }, 3, [
    "advice", "advise", "tip", "tips", "suggestion", "suggestions", "suggest", "recommend", "recommendation", "recommendations", "should i", "what should i", "help me {decide|choose}", "any ideas", "ideas for", "best way to", "is it {a good idea|worth|ok|okay|normal|safe}", "what do you think", "your {opinion|thoughts|view|take}", "do you {think|believe|like|prefer}", "would you {rather|recommend}", "i'm feeling", "i am feeling", "my {wife|husband|partner|boss|friend|mom|dad|kid|kids|girlfriend|boyfriend}",
    "consejo", "consejos", "recomienda*", "conseil", "conseils", "recommande*", "tipp", "tipps", "ratschlag", "ratschläge", "empfiehl*", "совет*", "посоветуй*", "建议", "推荐", "アドバイス", "おすすめ",
  ]),
  cue("personal", { general: 0.5 }, 2, ["how {can|do|could} i", "help me with", "let me know", "i feel", "i want to", "i need to", "i'd like to", "i would like to"]),
  cue("everyday", { general: 0.3 }, 4, [
    "productivity", "productive", "motivation", "motivated", "stress", "stressed", "anxiety", "habit", "habits", "sleep", "diet", "exercise", "workout", "relationship", "relationships", "friend", "friends", "family", "career", "job", "interview", "salary", "hobby", "hobbies", "travel", "vacation", "holiday", "trip", "restaurant", "restaurants", "recipe", "recipes", "cook", "cooking", "dinner", "lunch", "breakfast", "gift", "gifts", "birthday", "weekend", "movie", "movies", "book", "books", "music", "game", "games", "pet", "pets", "dog", "dogs", "cat", "cats", "weather", "shopping", "budget", "money", "skill", "skills", "time management", "work from home", "workplace", "life", "people", "someone", "society", "everyday", "daily", "personal", "feel", "happy", "happiness", "lonely", "health", "healthy", "healthier", "education", "school",
  ]),
  cue("counterfactual", { general: 1.1, reasoning: 0.3 }, 1, ["what if", "what would {the world|life|society|history} {be|look}"]),
  cue("opinion", { general: 0.7, reasoning: 0.3 }, 2, ["moral", "morally", "ethical", "ethically", "ethics", "should {we|society|people|government|governments}", "is it {right|wrong|fair}", "debate", "controversial", "more important"]),
];

/** Greetings and small talk: they count at the start of a message, or anywhere in a short one ("hi" in a word list is not a greeting). */
export const GREETING_TERMS: readonly string[] = [
    "hi", "hii", "hiii", "hello", "hey", "heyy", "hiya", "howdy", "sup", "greetings", "good {morning|afternoon|evening|night}", "how are you", "how's it going", "how are things", "what's up", "whats up", "nice to meet you", "thanks", "thank you", "thx", "cheers", "bye", "goodbye", "see you", "who are you", "what can you do", "what's your name", "are you {|a |an }{bot|ai|human|real}",
    "hola", "buenos días", "buenas", "bonjour", "salut", "bonsoir", "hallo", "guten {morgen|tag|abend}", "servus", "ciao", "olá", "привет", "здравствуй", "здравствуйте", "gracias", "merci", "danke", "спасибо", "obrigado", "obrigada", "grazie",
    "你好", "您好", "早上好", "こんにちは", "おはよう", "こんばんは", "안녕하세요", "مرحبا", "שלום", "नमस्ते", "谢谢", "謝謝", "ありがとう",
  ];
export const GREETING_WEIGHTS: CategoryWeights = { general: 1.6 };

export const PATTERN_CUES: readonly PatternCue[] = [
  { id: "persona-lead", pattern: /(?:^|[.!?] |\n)[ \t]*as an? [a-z]+(?: [a-z]+){0,3},/g, weights: { creative: 1.4 }, cap: 1, needs: "as a" },
  { id: "persona-question", pattern: /\b(?:what would you say|how would you (?:describe|explain|introduce|respond|react|convince|persuade))\b/g, weights: { creative: 0.6 }, cap: 1, needs: " would you " },
  { id: "what-is-the-x-of", pattern: /\bwhat(?:'s| is| was) the [a-z]+(?: [a-z]+)? of\b/g, weights: { factual: 0.7 }, cap: 1, needs: "what" },
  { id: "syllogism", pattern: /\b(?:all|some|no) [a-z]+ (?:are|is) (?:not )?[a-z]+/g, weights: { reasoning: 0.7 }, cap: 3 },
  { id: "superlative-fact", pattern: /\bthe (?:largest|biggest|tallest|longest|highest|deepest|smallest|oldest|most populous|first|fastest|richest|hottest|coldest) [a-z]+(?: [a-z]+)?(?: in| on| of)\b/g, weights: { factual: 0.9 }, cap: 1 },
  { id: "unit-conversion", pattern: /\bconvert \d[\d.,]* ?[a-z°]+/g, weights: { math: 1.6 }, cap: 1, needs: "convert " },
  { id: "big-o", pattern: /\bo\([^)\n]{1,12}\)/g, weights: { coding: 1 }, cap: 2, needs: "o(" },
  { id: "code-language-symbol", pattern: /(?<![\w#+])(?:c\+\+|c#|f#|\.net)(?![\w#+])/g, weights: { coding: 1.3 }, cap: 2 },
  { id: "take-steps", pattern: /\btake \d+ steps?\b/g, weights: { reasoning: 0.9 }, cap: 4, needs: "take " },
  { id: "length-limit", pattern: /\bin (?:one|two|three|four|five|a few|\d+) (?:sentences?|words|bullet points|lines)\b/g, weights: { extraction: 0.6 }, cap: 1 },
  { id: "how-does-it-work", pattern: /\bhow (?:does|do|did) [^\n.?!,]{1,40}? work\b/g, weights: { factual: 1.2 }, cap: 1, needs: "how d" },
  { id: "tldr", pattern: /\btl;dr\b/g, weights: { extraction: 1.6 }, cap: 1, needs: "tl;dr" },
  { id: "fasse-zusammen", pattern: /\bfass(?:e|en|t)?\b[^.\n]{0,60}\bzusammen\b/g, weights: { extraction: 1.6 }, cap: 1, needs: "zusammen" },
];

