import { expect, test } from "@playwright/test";
import { chat, nav, signIn, watchForErrors } from "./console-helpers";

test("every page renders with data, without errors, wide and narrow", async ({ page }) => {
  const clean = watchForErrors(page);
  const coding = await chat(page, "Write a TypeScript function that debounces another function, with unit tests.");
  await chat(page, "What is the capital of Australia?");
  const rated = await page.request.post("/v1/feedback", { data: { response_id: coding.body.id, score: 1, comment: "great answer" } });
  expect(rated.status()).toBe(200);

  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page);
  await expect(page.getByTestId("requests-per-minute")).not.toHaveText("0");
  await expect(page.getByTestId("by-model")).toContainText(coding.model);
  await expect(page.getByTestId("backend-health")).toContainText("ollama");

  await nav(page, "Models").click();
  const row = page.getByTestId(`model-row-${coding.model}`);
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: coding.model }).click();
  await expect(page.getByTestId("model-detail")).toContainText("coding");
  // a score adjustment needs a reason: the error shows next to the field
  await page.getByLabel("Score adjustment (-1…1)").fill("0.3");
  await page.getByRole("button", { name: "Save adjustment" }).click();
  await expect(page.getByText("Say why (at least 3 characters)")).toBeVisible();

  await nav(page, "Decisions").click();
  await expect(page.getByTestId("decisions-table")).toContainText(coding.model);
  await page.getByTestId("decisions-table").getByRole("button").first().click();
  await expect(page.getByTestId("decision-detail")).toContainText("Tokens");

  await nav(page, "Feedback").click();
  await expect(page.getByTestId("feedback-aggregates")).toContainText(coding.model);
  await expect(page.getByTestId("feedback-table")).toContainText("great answer");

  await nav(page, "Settings").click();
  await expect(page.getByText("ROUTER_ADMIN_API_KEY")).toBeVisible();
  await expect(page.getByText("e2e-console-admin-key")).toHaveCount(0);

  // A narrow window: every page fits its width (wide tables scroll inside their own box).
  await page.setViewportSize({ width: 390, height: 800 });
  for (const [path, heading] of [["/console", "Overview"], ["/console/models", "Models"], ["/console/routing", "Routing"], ["/console/decisions", "Decisions"], ["/console/feedback", "Feedback"], ["/console/settings", "Settings"]]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, path).toBeLessThanOrEqual(1);
  }
  clean();
});
