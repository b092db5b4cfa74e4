import type { TaskCategory } from "../routing/categories";

// The profiling prompt suite. Each prompt says how it is graded: a deterministic check where the
// answer can be verified, the LLM judge where it cannot, both where a check alone misses quality
// (code that passes its tests can still be poor; JSON with the right fields can still be padded).

export type CodeTest = { args: unknown[]; expected: unknown };

export type AnswerCheck =
  /** The final number in the answer must equal `expected` (to 2 decimals). */
  | { kind: "number"; expected: number }
  /** The answer's JSON object must carry these fields with these values (strings compared case-insensitively). */
  | { kind: "json"; expected: Record<string, string | number | boolean> }
  /** A JavaScript function `functionName` in the answer must pass the tests, run in the sandbox. */
  | { kind: "code"; functionName: string; tests: CodeTest[] };

export type ProfilePrompt = {
  id: string;
  category: TaskCategory;
  prompt: string;
  check?: AnswerCheck;
  /** Ask the judge too (always true when there is no check). */
  judge: boolean;
  /** Shown to the judge as the reference answer. */
  reference?: string;
  /** Ask for a JSON object (response_format json_object). */
  json?: boolean;
  maxTokens: number;
};

const FINAL = "Show brief working, then end with a line of the form 'The answer is <number>.'";

const math = (id: string, prompt: string, expected: number): ProfilePrompt => ({
  id,
  category: "math",
  prompt: `${prompt} ${FINAL}`,
  check: { kind: "number", expected },
  judge: false,
  reference: String(expected),
  maxTokens: 400,
});

const code = (id: string, functionName: string, prompt: string, tests: CodeTest[]): ProfilePrompt => ({
  id,
  category: "coding",
  prompt: `Write a JavaScript function \`${functionName}\` that ${prompt} Reply with the code in one \`\`\`javascript block; no imports, no I/O.`,
  check: { kind: "code", functionName, tests },
  judge: true,
  maxTokens: 600,
});

const extract = (id: string, text: string, expected: Record<string, string | number | boolean>): ProfilePrompt => ({
  id,
  category: "extraction",
  prompt: `Extract the fields ${Object.keys(expected).join(", ")} from the following text and reply with one JSON object using exactly those keys.\n\n"""${text}"""`,
  check: { kind: "json", expected },
  judge: true,
  reference: JSON.stringify(expected),
  json: true,
  maxTokens: 300,
});

const judged = (id: string, category: TaskCategory, prompt: string, reference?: string, maxTokens = 500): ProfilePrompt => ({
  id,
  category,
  prompt,
  judge: true,
  reference,
  maxTokens,
});

export const PROMPT_SUITE: readonly ProfilePrompt[] = [
  math("math-1", "Compute 37 * 43.", 1591),
  math("math-2", "A warehouse holds 1248 / 16 crates per aisle. How many crates is that per aisle?", 78),
  math("math-3", "What is 9876 - 5789?", 4087),
  math("math-4", "A recipe needs 2.5 * 12 grams of salt for a large batch. How many grams is that?", 30),
  math("math-5", "Evaluate 456 + 789 and then state the total.", 1245),
  math("math-6", "Tickets cost 125 x 8 cents in total for a group. What is the total in cents?", 1000),
  math("math-7", "Compute 1001 / 7.", 143),
  math("math-8", "What is 64 * 64?", 4096),

  code("code-1", "fizzBuzz", "takes an integer n and returns 'Fizz' for multiples of 3, 'Buzz' for multiples of 5, 'FizzBuzz' for both, else the number as a string.", [
    { args: [3], expected: "Fizz" },
    { args: [10], expected: "Buzz" },
    { args: [30], expected: "FizzBuzz" },
    { args: [7], expected: "7" },
  ]),
  code("code-2", "isPalindrome", "returns true when a string reads the same backwards, ignoring case and non-alphanumeric characters.", [
    { args: ["A man, a plan, a canal: Panama"], expected: true },
    { args: ["hello"], expected: false },
    { args: [""], expected: true },
  ]),
  code("code-3", "chunk", "splits an array into chunks of a given size (the last chunk may be shorter).", [
    { args: [[1, 2, 3, 4, 5], 2], expected: [[1, 2], [3, 4], [5]] },
    { args: [[], 3], expected: [] },
    { args: [[1, 2], 5], expected: [[1, 2]] },
  ]),
  code("code-4", "wordCount", "returns an object mapping each lower-cased word of a sentence to how often it occurs (words are runs of letters).", [
    { args: ["the cat and the hat"], expected: { the: 2, cat: 1, and: 1, hat: 1 } },
    { args: ["Go go GO"], expected: { go: 3 } },
  ]),
  code("code-5", "fibonacci", "returns the n-th Fibonacci number (fibonacci(0) = 0, fibonacci(1) = 1) and is fast for n up to 70.", [
    { args: [0], expected: 0 },
    { args: [10], expected: 55 },
    { args: [50], expected: 12586269025 },
  ]),
  code("code-6", "flatten", "flattens arbitrarily nested arrays into one flat array, keeping order.", [
    { args: [[1, [2, [3, [4]], 5]]], expected: [1, 2, 3, 4, 5] },
    { args: [[]], expected: [] },
  ]),
  code("code-7", "romanToInt", "converts a Roman numeral string (I, V, X, L, C, D, M, with subtractive forms) to an integer.", [
    { args: ["III"], expected: 3 },
    { args: ["MCMXCIV"], expected: 1994 },
    { args: ["XLII"], expected: 42 },
  ]),

  extract("extract-1", "Dr. Maria Lopez, 42, joined the Lyon office on 3 March 2021 as head of research.", { name: "Maria Lopez", age: 42, city: "Lyon" }),
  extract("extract-2", "Invoice INV-2207 was issued to Brightside Ltd for a total of 1450 EUR, due within 30 days.", {
    invoice_number: "INV-2207",
    customer: "Brightside Ltd",
    total: 1450,
    currency: "EUR",
  }),
  extract("extract-3", "The package (tracking code ZX9914) left Rotterdam on Monday and weighs 12 kg. Insurance: yes.", {
    tracking_code: "ZX9914",
    origin: "Rotterdam",
    weight_kg: 12,
    insured: true,
  }),
  extract("extract-4", "Meeting notes: the launch of Project Falcon moves to 2025-09-14; owner is Priya Shah; budget stays at 80000 dollars.", {
    project: "Falcon",
    launch_date: "2025-09-14",
    owner: "Priya Shah",
    budget: 80000,
  }),
  extract("extract-5", "Order #5531: 3 units of the Aurora desk lamp shipped to Oslo by express courier.", { order_id: "5531", product: "Aurora desk lamp", quantity: 3, city: "Oslo" }),
  extract("extract-6", "Contact Tom Becker at tom.becker@example.org or +49 30 1234567 regarding the Berlin lease.", {
    name: "Tom Becker",
    email: "tom.becker@example.org",
    phone: "+49 30 1234567",
    city: "Berlin",
  }),

  judged("reason-1", "reasoning", "All bloops are razzies and all razzies are lazzies. Are all bloops definitely lazzies? Explain your reasoning step by step, then answer yes or no.", "yes"),
  judged("reason-2", "reasoning", "A bat and a ball cost 1.10 dollars in total; the bat costs 1.00 dollar more than the ball. Explain step by step why the ball does or does not cost 10 cents, and give its price.", "5 cents"),
  judged("reason-3", "reasoning", "Three boxes are labelled apples, oranges and mixed, and every label is wrong. You may pick one fruit from one box. Explain the reasoning that lets you relabel all boxes correctly."),
  judged("reason-4", "reasoning", "Explain the trade-offs between caching results in memory and recomputing them on every request for a web service with 10 replicas."),
  judged("reason-5", "reasoning", "If it takes 5 machines 5 minutes to make 5 widgets, how long would 100 machines take to make 100 widgets? Reason step by step.", "5 minutes"),
  judged("reason-6", "reasoning", "Why does a heavier object not fall faster than a lighter one in a vacuum? Explain the logic briefly.", undefined),

  judged("creative-1", "creative", "Write a haiku about the first snow in a quiet city."),
  judged("creative-2", "creative", "Write a four-line poem about a lighthouse keeper who is afraid of the dark."),
  judged("creative-3", "creative", "Write the opening paragraph of a short story set on a generation ship, from the point of view of its gardener."),
  judged("creative-4", "creative", "Imagine a city where music is currency. Describe a market morning in about 120 words."),
  judged("creative-5", "creative", "Write song lyrics (one verse and a chorus) about missing the last train home."),
  judged("creative-6", "creative", "Write a short fable with a moral, featuring a tortoise who learns to ask for help."),

  judged("factual-1", "factual", "What is the capital of Australia?", "Canberra", 200),
  judged("factual-2", "factual", "Who wrote the novel 'Pride and Prejudice'?", "Jane Austen", 200),
  judged("factual-3", "factual", "In what year did the Berlin Wall fall?", "1989", 200),
  judged("factual-4", "factual", "Define photosynthesis in two sentences.", "Plants convert light, water and carbon dioxide into glucose and oxygen.", 250),
  judged("factual-5", "factual", "Where is the Atacama Desert, and what is it known for?", "Northern Chile; one of the driest places on Earth.", 250),
  judged("factual-6", "factual", "Who was the first person to walk on the Moon, and when?", "Neil Armstrong, 1969", 200),

  judged("general-1", "general", "Give me three tips for staying focused while working from home."),
  judged("general-2", "general", "How do I politely decline a meeting invitation from a colleague? Suggest a short message."),
  judged("general-3", "general", "Suggest a simple weekly meal plan for a vegetarian on a budget."),
  judged("general-4", "general", "What should I pack for a three-day hiking trip in autumn?"),
  judged("general-5", "general", "Summarise the pros and cons of electric bikes for commuting in a few bullet points."),
  judged("general-6", "general", "Recommend a way to learn basic Spanish in three months with 20 minutes a day."),
];

/** The first `perCategory` prompts of every category, in suite order. */
export function selectPrompts(perCategory: number, suite: readonly ProfilePrompt[] = PROMPT_SUITE): ProfilePrompt[] {
  const taken = new Map<TaskCategory, number>();
  return suite.filter((prompt) => {
    const count = taken.get(prompt.category) ?? 0;
    taken.set(prompt.category, count + 1);
    return count < perCategory;
  });
}
