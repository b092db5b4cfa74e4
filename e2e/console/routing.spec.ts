import { expect, test, type Page } from "@playwright/test";
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
