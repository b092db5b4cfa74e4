import { expect, test, type Page } from "@playwright/test";
import { SIM } from "../ports";
import { chat, signIn, watchForErrors } from "./console-helpers";

const PROMPT = "Give me a synonym for happy.";

async function setQuality(page: Page, end: "Home" | "End") {
  const slider = page.getByLabel(/Quality preference/);
  await slider.focus();
  await page.keyboard.press(end);
  await expect(page.getByTestId("quality-value")).toHaveText(end === "Home" ? "0.00" : "1.00");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved and applied" })).toBeVisible();
}

async function explain(page: Page): Promise<string> {
  await page.getByLabel(/Prompt, or a pasted chat request/).fill(PROMPT);
  await page.getByRole("button", { name: "Explain" }).click();
  const selected = page.getByTestId("playground-selected");
  await expect(selected).not.toBeEmpty();
  return (await selected.textContent()) ?? "";
}

test("the quality preference changes the playground's choice, and the next real request follows it", async ({ page }) => {
  const clean = watchForErrors(page);
  await signIn(page);
  await page.goto("/console/routing");

  // a bad value is named next to its field, and nothing can be saved until it is fixed
  const prior = page.getByLabel("size prior");
  await prior.fill("2");
  await expect(page.getByText("0.01–1")).toBeVisible();
  await expect(page.getByRole("button", { name: "Save settings" })).toBeDisabled();
  await prior.fill("0.15");

  await setQuality(page, "Home");
  const fast = await explain(page);
  await setQuality(page, "End");
  await page.getByRole("button", { name: "Explain" }).click();
  await expect(page.getByTestId("playground-selected")).not.toHaveText(fast);
  const strong = (await page.getByTestId("playground-selected").textContent()) ?? "";
  expect(Number(/(\d+(?:\.\d+)?)b/.exec(strong)?.[1])).toBeGreaterThan(Number(/(\d+(?:\.\d+)?)b/.exec(fast)?.[1]));

  const real = await chat(page, PROMPT);
  expect(real.model).toBe(strong);

  // the what-if previews moving back to speed before saving it
  await page.getByLabel(/Quality preference/).focus();
  await page.keyboard.press("Home");
  await page.getByRole("button", { name: "Run what-if" }).click();
  await expect(page.getByTestId("whatif-result")).toContainText(/[1-9]\d* of \d+ decisions would go to a different model/);
  await expect(page.getByTestId("whatif-result")).toContainText(`${strong} → ${fast}`);
  clean();
});

test("the caches are switched off and on, and their lifetime set, from the page; the next request follows", async ({ page }) => {
  const clean = watchForErrors(page);
  await signIn(page);
  await page.goto("/console/routing");
  const on = page.getByLabel("Caches on");
  const lifetime = page.getByLabel("Entry lifetime (seconds)");
  const save = page.getByRole("button", { name: "Save settings" });
  const saved = page.getByRole("status").filter({ hasText: "Saved and applied" });
  await expect(on).toBeChecked();
  await expect(page.getByText(/ROUTER_CACHE_MAX_SIZE/)).toBeVisible();

  // a bad lifetime is named next to its field, and nothing can be saved until it is fixed
  await lifetime.fill("0");
  await expect(page.getByText("A whole number of seconds from 1 to 31,536,000")).toBeVisible();
  await expect(save).toBeDisabled();
  await lifetime.fill("600");
  await on.uncheck();
  await save.click();
  await expect(saved).toBeVisible();

  // the same deterministic request twice: with the caches off, both reach the fleet
  const prompt = `Name a colour of the rainbow (${Date.now()}).`;
  const ask = async () => expect((await page.request.post("/v1/chat/completions", { data: { model: "smarterrouter/main", temperature: 0, messages: [{ role: "user", content: prompt }] } })).status()).toBe(200);
  const reached = async () => {
    const log = (await (await fetch(`${SIM}/__sim/requests?path=${encodeURIComponent("/api/chat")}`)).json()) as { requests: { body: unknown }[] };
    return log.requests.filter((request) => JSON.stringify(request.body).includes(prompt)).length;
  };
  await ask();
  await ask();
  expect(await reached()).toBe(2);

  // what was saved is what the page shows after a reload; on again, a repeat is answered from the cache
  await page.reload();
  await expect(lifetime).toHaveValue("600");
  await expect(on).not.toBeChecked();
  await on.check();
  await save.click();
  await expect(saved).toBeVisible();
  await ask();
  await ask();
  expect(await reached()).toBe(3);
  clean();
});
