import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../backends/types";
import { splitPayload } from "./analysis-payload";
import { analyzePrompt, analyzePromptDetailed, complexityTier } from "./analyze";
import { TASK_CATEGORIES, type TaskCategory } from "./categories";
import type { AnalysisInput } from "./types";

const user = (content: ChatMessage["content"]): ChatMessage => ({ role: "user", content }) as ChatMessage;
const assistant = (content: string): ChatMessage => ({ role: "assistant", content });
const system = (content: string): ChatMessage => ({ role: "system", content });
const ask = (prompt: string, extra: Partial<AnalysisInput> = {}): AnalysisInput => ({ messages: [user(prompt)], hasTools: false, ...extra });

const ARTICLE =
  "The city council met on Tuesday to discuss the new bicycle lanes planned for the river district. " +
  "Maria Lopez, the transport officer, said construction would begin on 3 March and finish by late summer. " +
  "Residents raised concerns about parking, deliveries and noise, and the council promised a public hearing. " +
  "Contact: planning@example.org or call the office before 14 February to register an objection.";

const SPEC = `Build a small inventory service for our warehouse team. Requirements:
1. A REST API with endpoints to create, list, update and delete items; each item has a SKU, name, quantity and location.
2. Persist data in PostgreSQL and write the schema migrations.
3. Validate every request body and return clear 4xx errors; never return a 500 for bad input.
4. Add authentication with API keys, hashed at rest.
5. Support pagination and filtering by location, and make sure list queries stay fast with 1M rows.
6. Write unit tests and integration tests, and handle edge cases such as negative quantities and duplicate SKUs.
7. Explain the trade-offs of your design choices and how it would scale to several instances.
The code must be TypeScript, must run on Node 20, and should include a Dockerfile.`;

type Case = { name: string; input: AnalysisInput; category: TaskCategory };

const CASES: Case[] = [
  // coding
  { name: "one-line function request", input: ask("Write a Python function that reverses a linked list."), category: "coding" },
  { name: "error message", input: ask("fix this: TypeError: Cannot read properties of undefined (reading 'map')"), category: "coding" },
  { name: "CSS how-to", input: ask("How do I center a div in CSS?"), category: "coding" },
  { name: "SQL query", input: ask("SELECT name, total FROM orders WHERE created_at > now() - interval '1 day' is slow, why?"), category: "coding" },
  { name: "file name and module error", input: ask("my app.py crashes on startup with ModuleNotFoundError: No module named 'requests'"), category: "coding" },
  {
    name: "code fence",
    input: ask("Why does this print undefined?\n```js\nconst items = [1, 2, 3];\nconst total = items.forEach((x) => x * 2);\nconsole.log(total);\n```"),
    category: "coding",
  },
  {
    name: "python stub with docstring",
    input: ask('from typing import List\n\n\ndef chunk(values: List[int], size: int) -> List[List[int]]:\n    """Split values into lists of at most size items.\n    >>> chunk([1, 2, 3], 2)\n    [[1, 2], [3]]\n    """\n'),
    category: "coding",
  },
  { name: "long multi-part spec", input: ask(SPEC), category: "coding" },
  { name: "Spanish code request", input: ask("Escribe una función en JavaScript que ordene un arreglo de números de mayor a menor."), category: "coding" },
  { name: "Russian code request", input: ask("Напиши функцию на Python для сортировки списка словарей по ключу."), category: "coding" },
  { name: "Chinese code request", input: ask("请用Python写一个函数，把字符串反转。"), category: "coding" },
  { name: "Japanese question naming a language", input: ask("Rustでベクタの要素を逆順にする方法は？"), category: "coding" },
  { name: "greeting in front of a request", input: ask("hey so my node server says EADDRINUSE when i restart it, how do i free port 3000?"), category: "coding" },

  // math
  { name: "bare arithmetic", input: ask("What is 17 * 23?"), category: "math" },
  { name: "linear equation", input: ask("Solve for x: 3x + 7 = 22"), category: "math" },
  { name: "word problem with units", input: ask("A train travels 120 km in 1.5 hours. What is its average speed?"), category: "math" },
  { name: "shopping word problem", input: ask("If I buy 3 notebooks at $4 each and a pen for $2, how much do I spend in total?"), category: "math" },
  { name: "LaTeX integral", input: ask("Evaluate $\\int_0^1 x^2 \\, dx$ and explain each step."), category: "math" },
  { name: "probability", input: ask("What is the probability of rolling two sixes with two fair dice?"), category: "math" },
  { name: "Chinese equation", input: ask("解方程 2x + 5 = 17，求x的值。"), category: "math" },
  { name: "French area", input: ask("Calculez l'aire d'un cercle de rayon 5 cm."), category: "math" },
  { name: "German percentage", input: ask("Berechne 15 % von 240."), category: "math" },

  // reasoning
  { name: "boolean expression", input: ask("not ( False or True ) and True is"), category: "reasoning" },
  { name: "syllogism", input: ask("All bloops are razzies and all razzies are lazzies. Are all bloops necessarily lazzies? Explain your reasoning."), category: "reasoning" },
  {
    name: "multiple choice ordering puzzle",
    input: ask("Three books sit on a shelf: red, green and blue. The green book is to the left of the blue book. The red book is the rightmost.\nOptions:\n(A) The green book is the leftmost\n(B) The blue book is the leftmost\n(C) The red book is the leftmost"),
    category: "reasoning",
  },
  { name: "truth tellers", input: ask("Ann says Ben lies. Ben says Cy tells the truth. Cy lies. Does Ann tell the truth?"), category: "reasoning" },
  { name: "counting over a list", input: ask("I have a lamp, two chairs, a sofa and a rug. How many pieces of furniture do I have?"), category: "reasoning" },
  { name: "German why step by step", input: ask("Warum ist der Himmel blau? Erkläre es Schritt für Schritt."), category: "reasoning" },

  // creative
  { name: "haiku", input: ask("Write a haiku about autumn rain."), category: "creative" },
  { name: "long story brief", input: ask("Write a short story of about 500 words about a lighthouse keeper who finds a message in a bottle. Use vivid imagery, keep the tone bittersweet, and end with a twist."), category: "creative" },
  { name: "role play", input: ask("Pretend you are a pirate captain and tell me about your morning."), category: "creative" },
  { name: "email draft", input: ask("Draft a friendly email to my landlord asking him to fix the heater this week."), category: "creative" },
  { name: "French poem", input: ask("Écris un poème sur la mer en hiver."), category: "creative" },
  { name: "Japanese poem", input: ask("猫についての詩を書いてください。"), category: "creative" },
  { name: "German compound noun", input: ask("Schreib mir eine kurze Gutenachtgeschichte über einen mutigen Igel."), category: "creative" },
  { name: "names to invent", input: ask("Give me ten catchy names for a vegan bakery."), category: "creative" },

  // extraction
  { name: "extract emails and dates", input: ask(`Extract all email addresses and dates from the following text:\n\n${ARTICLE}`), category: "extraction" },
  { name: "summarise article", input: ask(`Summarize this article in three bullet points:\n\n${ARTICLE}`), category: "extraction" },
  { name: "material first, question last", input: ask(`${ARTICLE}\n\nWhat are the key points of the text above? List them briefly.`), category: "extraction" },
  { name: "convert to JSON", input: ask("Convert this to JSON: name Alice, age 30; name Bob, age 25"), category: "extraction" },
  { name: "names mentioned", input: ask(`List all the people mentioned in this paragraph: ${ARTICLE}`), category: "extraction" },
  { name: "German summary", input: ask(`Fasse den folgenden Text in zwei Sätzen zusammen: ${ARTICLE}`), category: "extraction" },
  { name: "Chinese summary", input: ask("请总结下面这段文字的要点：会议决定下个月开始修建自行车道，居民担心停车和噪音问题。"), category: "extraction" },
  { name: "translation request", input: ask("Translate this into Spanish: The meeting is moved to Thursday afternoon."), category: "extraction" },
  { name: "names to find, not invent", input: ask("Give me the names of all the people mentioned in this passage: Lena waved at Omar while Priya parked the van."), category: "extraction" },
  { name: "material after a pointing sentence", input: ask("From the job ad below, pull out the required skills and the salary. We need a backend developer fluent in Python, Go and Kubernetes; pay is 90k to 110k."), category: "extraction" },

  // factual (and the original's substring bugs)
  { name: "capital of France (not api → coding)", input: ask("What is the capital of France?"), category: "factual" },
  { name: "who wrote", input: ask("Who wrote Pride and Prejudice?"), category: "factual" },
  { name: "when did", input: ask("When did the Berlin Wall fall?"), category: "factual" },
  { name: "how does it work", input: ask("How does photosynthesis work?"), category: "factual" },
  { name: "Spanish capital question", input: ask("¿Cuál es la capital de Australia?"), category: "factual" },
  { name: "explain a historical topic", input: ask("Explain the main causes of the French Revolution."), category: "factual" },
  { name: "superlative fact", input: ask("What is the longest river in Africa?"), category: "factual" },
  { name: "counting fact, not math", input: ask("How many moons does Mars have?"), category: "factual" },

  // general
  { name: "hi", input: ask("hi"), category: "general" },
  { name: "greeting question", input: ask("Hello! How are you today?"), category: "general" },
  { name: "let me know (not let → coding)", input: ask("Let me know your thoughts on this plan for the weekend."), category: "general" },
  { name: "'api' inside words", input: ask("I want rapid, happier therapy sessions. Any advice?"), category: "general" },
  { name: "recommendation", input: ask("Can you recommend a good book for a long flight?"), category: "general" },
  { name: "advice", input: ask("I'm feeling stressed about work lately, any tips?"), category: "general" },
  { name: "French greeting", input: ask("Bonjour, ça va ?"), category: "general" },
  { name: "Japanese greeting", input: ask("こんにちは"), category: "general" },
  { name: "emoji only", input: ask("😀🎉👍"), category: "general" },
  { name: "empty", input: ask(""), category: "general" },
  { name: "no messages", input: { messages: [], hasTools: false }, category: "general" },
];

describe("analyzePrompt categories", () => {
  it.each(CASES)("$name → $category", ({ input, category }) => {
    const analysis = analyzePrompt(input);
    expect(analysis.category).toBe(category);
  });
});

describe("conversation", () => {
  const codingExchange: ChatMessage[] = [
    user("Write a Python function that removes duplicates from a list while keeping order."),
    assistant("```python\ndef dedupe(items):\n    seen = set()\n    return [x for x in items if not (x in seen or seen.add(x))]\n```"),
  ];

  it("carries the topic over to a weak follow-up", () => {
    const detailed = analyzePromptDetailed({ messages: [...codingExchange, user("now make it faster")], hasTools: false });
    expect(detailed.analysis.category).toBe("coding");
    expect(detailed.carriedOver).toBe(true);
    expect(detailed.features.some((feature) => feature.source === "history" && (feature.weights.coding ?? 0) > 0)).toBe(true);
  });

  it("lets a clear new request change the topic", () => {
    const analysis = analyzePrompt({ messages: [...codingExchange, user("Write a poem about the sea at night.")], hasTools: false });
    expect(analysis.category).toBe("creative");
  });

  it("carries math over to 'explain that again'", () => {
    const messages = [user("Solve 4x - 7 = 21"), assistant("4x = 28, so x = 7."), user("can you explain that again more slowly?")];
    expect(analyzePrompt({ messages, hasTools: false }).category).toBe("math");
  });

  it("uses the system prompt for an ambiguous question", () => {
    const messages = [system("You are a senior TypeScript developer reviewing code in a Next.js repository."), user("Can you review this for me?")];
    expect(analyzePrompt({ messages, hasTools: false }).category).toBe("coding");
  });

  it("does not let the system prompt override a clear request", () => {
    const messages = [system("You are a helpful coding assistant."), user("Write a haiku about spring.")];
    expect(analyzePrompt({ messages, hasTools: false }).category).toBe("creative");
  });

  it("reads text parts of multimodal content", () => {
    const content: ChatMessage["content"] = [
      { type: "text", text: "Write a JavaScript function" },
      { type: "text", text: "that debounces another function." },
    ];
    expect(analyzePrompt({ messages: [user(content)], hasTools: false }).category).toBe("coding");
  });
});

describe("capabilities", () => {
  const image = { type: "image_url" as const, image_url: { url: "data:image/png;base64,AAAA" } };

  it("needs vision for an image with no text", () => {
    const analysis = analyzePrompt({ messages: [user([image])], hasTools: false });
    expect(analysis.capabilities.vision).toBe(true);
    expect(analysis.category).toBe("general");
  });

  it("needs vision for an image in an earlier user turn", () => {
    const messages = [user([{ type: "text", text: "What is in this picture?" }, image]), assistant("A cat."), user("What colour is it?")];
    expect(analyzePrompt({ messages, hasTools: false }).capabilities.vision).toBe(true);
  });

  it("does not need vision for text only", () => {
    expect(analyzePrompt(ask("Describe a sunset.")).capabilities.vision).toBe(false);
  });

  it("reports tools and JSON mode", () => {
    const tools = analyzePrompt(ask("What's the weather in Oslo?", { hasTools: true }));
    expect(tools.capabilities.tools).toBe(true);
    expect(tools.capabilities.json).toBe(false);
    expect(analyzePrompt(ask("List three colours.", { responseFormat: { type: "json_object" } })).capabilities.json).toBe(true);
    expect(analyzePrompt(ask("List three colours.", { responseFormat: { type: "json_schema", json_schema: { name: "colours" } } })).capabilities.json).toBe(true);
    expect(analyzePrompt(ask("List three colours.", { responseFormat: { type: "text" } })).capabilities.json).toBe(false);
  });

  it("estimates context from the whole conversation plus room for the answer", () => {
    const short = analyzePrompt(ask("hi")).capabilities.contextTokens;
    const history = [user("x".repeat(4000)), assistant("y".repeat(4000)), user("and now?")];
    const long = analyzePrompt({ messages: history, hasTools: false }).capabilities.contextTokens;
    expect(short).toBeGreaterThanOrEqual(1024);
    expect(long).toBeGreaterThanOrEqual(short + 2000);
  });
});

describe("complexity", () => {
  it.each([
    ["hi", "simple"],
    ["What is the capital of France?", "simple"],
    ["Write a haiku about autumn rain.", "simple"],
    [SPEC, "hard"],
  ] as const)("%s → %s", (prompt, tier) => {
    const analysis = analyzePrompt(ask(prompt));
    expect(analysis.tier).toBe(tier);
    expect(complexityTier(analysis.complexity)).toBe(tier);
  });

  it("rates a multi-step word problem above a one-line question", () => {
    const problem = analyzePrompt(ask("A shop sells pens at $3 each and notebooks at $5 each. Sara buys 4 pens and 3 notebooks, pays with a $50 note, and then gets a 10% discount on the total. How much change does she get? Show your work step by step.")).complexity;
    expect(problem).toBeGreaterThan(analyzePrompt(ask("What is 2 + 2?")).complexity);
    expect(complexityTier(problem)).not.toBe("simple");
  });

  it("maps the tier boundaries", () => {
    expect([0, 0.329, 0.33, 0.659, 0.66, 1].map(complexityTier)).toEqual(["simple", "simple", "medium", "medium", "hard", "hard"]);
  });
});

describe("robustness", () => {
  const inputs: [string, AnalysisInput][] = [
    ["very long prompt", ask(`${"Explain how a compiler parses expressions. ".repeat(5000)}Thanks!`)],
    ["CJK text", ask("这是一个没有任何标点符号的很长的中文句子".repeat(200))],
    ["RTL text", ask("ما هي عاصمة مصر؟ أريد إجابة قصيرة من فضلك")],
    ["control characters", ask("\u0000\u0007hello\u001b[31m world")],
    ["null assistant content", { messages: [user("hi"), { role: "assistant", content: null }, user("and?")], hasTools: false }],
    ["tool result last", { messages: [user("Run the search"), { role: "tool", content: "no results", tool_call_id: "1" }], hasTools: true }],
    ["only a system message", { messages: [system("You are terse.")], hasTools: false }],
  ];

  it.each(inputs)("%s: valid scores that sum to 1", (_name, input) => {
    const analysis = analyzePrompt(input);
    const scores = TASK_CATEGORIES.map((category) => analysis.categoryScores[category]);
    expect(scores.reduce((sum, score) => sum + score, 0)).toBeCloseTo(1, 9);
    for (const score of scores) expect(score).toBeGreaterThanOrEqual(0);
    expect(analysis.categoryConfidence).toBe(Math.max(...scores));
    expect(analysis.categoryConfidence).toBeLessThanOrEqual(1);
    expect(analysis.complexity).toBeGreaterThanOrEqual(0);
    expect(analysis.complexity).toBeLessThanOrEqual(1);
    expect(TASK_CATEGORIES).toContain(analysis.category);
  });

  it("analyses only the head and tail of a huge message but counts all of it for context", () => {
    const analysis = analyzePrompt(ask(`Summarize the following log:\n${"GET /index.html 200 12ms\n".repeat(20_000)}`));
    expect(analysis.capabilities.contextTokens).toBeGreaterThan(100_000);
  });

  it("is confident on a clear prompt and unsure on an empty one", () => {
    expect(analyzePrompt(ask("Write a Python function that parses ISO dates.")).categoryConfidence).toBeGreaterThan(0.8);
    expect(analyzePrompt(ask("")).categoryConfidence).toBeLessThan(0.5);
  });
});

describe("explanations", () => {
  it("names the features behind a decision", () => {
    const detailed = analyzePromptDetailed(ask("Why does this fail?\n```python\nprint(1/0)\n```"));
    expect(detailed.features.map((feature) => feature.id)).toContain("code-fence");
    expect(detailed.features.every((feature) => feature.source === "last-user")).toBe(true);
  });

  it("splits an instruction from quoted material", () => {
    const split = splitPayload(`Summarize this article:\n\n${ARTICLE}`);
    expect(split.instruction).toContain("Summarize this article");
    expect(split.payload).toContain("bicycle lanes");
    expect(splitPayload("What is the capital of France?").payload).toBeUndefined();
  });
});
