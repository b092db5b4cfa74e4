/** The one task-category vocabulary shared by analysis, profiles, metrics labels and the console. */
export const TASK_CATEGORIES = ["coding", "math", "reasoning", "creative", "extraction", "factual", "general"] as const;

export type TaskCategory = (typeof TASK_CATEGORIES)[number];
