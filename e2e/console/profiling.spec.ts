import { expect, test } from "@playwright/test";
import { nav, signIn, watchForErrors } from "./console-helpers";

// A re-profile started from the Profiling page shows its progress to completion, and the model's
// detail then lists the answers with the judge's scores and rationales.

const MODEL = "llama3.2:3b";

test("a re-profile shows progress to completion, then the answers with judge rationales", async ({ page }) => {
  test.setTimeout(60_000);
  const clean = watchForErrors(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page);
  await nav(page, "Profiling").click();
  await expect(page.getByRole("heading", { name: "Profiling", level: 1 })).toBeVisible();

  // Choosing models but none: the error shows next to the models, nothing is queued.
  await page.getByLabel("Chosen models").check();
  await page.getByRole("button", { name: "Start profiling" }).click();
  await expect(page.getByText("Choose at least one model, or profile all")).toBeVisible();

  await page.getByRole("checkbox", { name: MODEL }).check();
  await page.getByLabel(/force/).check();
  await page.getByRole("button", { name: "Start profiling" }).click();

  const job = page.getByTestId("profiling-job").filter({ hasText: MODEL }).first();
  await expect(job).toBeVisible();
  // Progress moves through the prompts (the per-model bar), then the job completes at 100 %.
  await expect(job.getByRole("progressbar", { name: MODEL })).toHaveAttribute("aria-valuenow", /^[1-9]/, { timeout: 30_000 });
  await expect(job.getByTestId("job-status")).toHaveText("completed", { timeout: 30_000 });
  await expect(job.getByTestId("job-progress-percent")).toHaveText("100 %");
  await expect(job.getByRole("progressbar", { name: MODEL })).toHaveAttribute("aria-valuenow", "100");
  await expect(page.getByTestId("profiling-history-table")).toContainText("completed");
  await expect(page.getByTestId("profiling-history-table")).toContainText(MODEL);

  await nav(page, "Models").click();
  await page.getByTestId(`model-row-${MODEL}`).getByRole("button", { name: MODEL }).click();
  const answers = page.getByTestId("model-detail").getByTestId("profiling-answers");
  await expect(answers).toBeVisible();
  await expect(answers.locator("tbody tr")).not.toHaveCount(0);
  await expect(answers).toContainText("graded");
  // every judged answer carries the judge's rationale text
  const rationales = await answers.getByTestId("judge-rationale").allTextContents();
  expect(rationales.filter((text) => text.trim().length > 10).length).toBeGreaterThan(0);

  // Re-profile from the Models page, follow it to the Profiling page, and cancel it there.
  const other = page.getByTestId("model-row-llama3.1:8b");
  await other.getByRole("button", { name: "Re-profile" }).click();
  await other.getByRole("link", { name: "follow it" }).click();
  const queued = page.getByTestId("profiling-job").filter({ hasText: "llama3.1:8b" }).first();
  await expect(queued.getByTestId("job-status")).toHaveText(/queued|running/);
  await queued.getByRole("button", { name: "Cancel" }).click();
  await expect(queued.getByTestId("job-status")).toHaveText("cancelled");

  // The page fits a narrow window.
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto("/console/profiling");
  await expect(page.getByRole("heading", { name: "Profiling", level: 1 })).toBeVisible();
  await expect(page.getByTestId("profiling-history-table")).toContainText("completed");
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1);
  clean();
});
