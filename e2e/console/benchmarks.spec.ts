import { expect, test } from "@playwright/test";
import { nav, signIn, watchForErrors } from "./console-helpers";

// The Benchmarks page against the e2e router, whose remote sources point at a closed port
// (playwright.config.ts): Sync now stores the bundled table and reports the others as failed.

const UNMATCHED = "qwen2.5vl:7b";
const csv = (text: string, name = "figures.csv") => ({ name, mimeType: "text/csv", buffer: Buffer.from(text) });

test("sync now, import a file, and alias an unmatched model, without errors, wide and narrow", async ({ page }) => {
  const clean = watchForErrors(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page);
  await nav(page, "Benchmarks").click();
  await expect(page.getByRole("heading", { name: "Benchmarks", level: 1 })).toBeVisible();

  // Sync now: pending, then each source's outcome, and the bundled rows in the table
  const syncButton = page.getByRole("button", { name: "Sync now" });
  await syncButton.click();
  const outcome = page.getByTestId("sync-outcome");
  await expect(outcome).toContainText(/bundled: \d+ records, \d+ matched/);
  await expect(outcome).toContainText("huggingface: failed");
  await expect(syncButton).toBeEnabled();
  await expect(page.getByTestId("source-bundled")).toContainText("ok");
  await expect(page.getByTestId("source-lmsys")).toContainText("failed");
  const table = page.getByTestId("benchmarks-table");
  await expect(table.getByRole("row").filter({ hasText: "qwen2.5-coder:14b" })).toContainText("Qwen/Qwen2.5-Coder-14B-Instruct");

  // Import: a good CSV shows its rows; a bad one lists its problems next to the file field
  const fileInput = page.getByLabel("Benchmark file");
  await fileInput.setInputFiles(csv("model,mmlu_pro,humaneval\ne2e-private-model,41.5,62\n"));
  await expect(page.getByLabel("Format")).toHaveValue("csv");
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByTestId("import-outcome")).toContainText("Imported 1 rows");
  await expect(table.getByRole("row").filter({ hasText: "e2e-private-model" })).toContainText("file");
  await expect(page.getByTestId("source-file")).toContainText("1");

  await fileInput.setInputFiles(csv("model,mmlu_pro\ne2e-bad-model,250\n", "bad.csv"));
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const problems = page.getByTestId("import-problems");
  await expect(problems).toContainText("Benchmark file refused, nothing was stored");
  await expect(problems).toContainText("row 1: 'mmlu_pro' must be a fraction (0..1) or a percentage (0..100)");
  await expect(table).not.toContainText("e2e-bad-model");

  // Review: the unmatched model is highlighted; an empty alias is refused at the field; a real one applies at the next sync
  const row = page.getByTestId(`review-row-${UNMATCHED}`);
  await expect(row).toHaveAttribute("data-unmatched", "true");
  await expect(row).toContainText("no match");
  const aliasField = row.getByLabel(`Benchmark names for ${UNMATCHED}`);
  await row.getByRole("button", { name: "Save alias" }).click();
  await expect(row.getByText("Enter at least one benchmark name")).toBeVisible();
  await expect(aliasField).toHaveAttribute("aria-invalid", "true");
  await aliasField.fill("Qwen/Qwen2.5-14B-Instruct");
  await row.getByRole("button", { name: "Save alias" }).click();
  await expect(row.getByRole("status")).toContainText("Saved");
  await expect(row).toContainText("alias: Qwen/Qwen2.5-14B-Instruct");
  await syncButton.click();
  await expect(syncButton).toBeEnabled();
  await expect(row).toContainText("bundled · Qwen/Qwen2.5-14B-Instruct");
  await expect(row).not.toHaveAttribute("data-unmatched", "true");

  // A narrow window: the page fits its width (the tables scroll inside their own boxes)
  await page.setViewportSize({ width: 390, height: 800 });
  await expect(page.getByRole("heading", { name: "Benchmarks", level: 1 })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1);

  // The same alias from the Models page's detail: remove it there, then sync, so routing is as before for later specs
  await page.setViewportSize({ width: 1280, height: 900 });
  await nav(page, "Models").click();
  await page.getByTestId(`model-row-${UNMATCHED}`).getByRole("button", { name: UNMATCHED }).click();
  const modelAlias = page.getByTestId("model-benchmark-alias");
  await expect(modelAlias).toContainText("now: Qwen/Qwen2.5-14B-Instruct");
  await modelAlias.getByRole("button", { name: "Remove alias" }).click();
  await expect(modelAlias).not.toContainText("now:");
  await nav(page, "Benchmarks").click();
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByTestId(`review-row-${UNMATCHED}`)).toHaveAttribute("data-unmatched", "true");
  clean();
});
