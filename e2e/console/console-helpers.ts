import { expect, type Page } from "@playwright/test";
import { E2E_ADMIN_KEY } from "../ports";

export async function signIn(page: Page, key = E2E_ADMIN_KEY): Promise<void> {
  await page.goto("/console/login");
  await page.getByLabel("Admin key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Fails the test on any uncaught page error or console error (the console must run clean). */
export function watchForErrors(page: Page): () => void {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  return () => expect(errors).toEqual([]);
}

export async function chat(page: Page, content: string, model = "smarterrouter/main") {
  const response = await page.request.post("/v1/chat/completions", { data: { model, messages: [{ role: "user", content }] } });
  expect(response.status(), await response.text()).toBe(200);
  return { model: response.headers()["x-smarterrouter-model"], body: (await response.json()) as { id: string; model: string } };
}

/** A link in the console's menu. */
export const nav = (page: Page, name: string) => page.getByRole("navigation", { name: "console" }).getByRole("link", { name });
