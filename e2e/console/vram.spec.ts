import { expect, test } from "@playwright/test";
import { chat, nav, signIn, watchForErrors } from "./console-helpers";

// The e2e router has a fake nvidia-smi (two GPUs) on its PATH and a 12 GB VRAM budget
// (playwright.config.ts), so a chat request makes the VRAM manager load the chosen model.

test("the VRAM page shows the GPUs, the budget, the model a request loaded and its load event", async ({ page }) => {
  const clean = watchForErrors(page);
  const { model } = await chat(page, "Write a haiku about graphics memory.");
  expect(model).toBeTruthy();

  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page);
  await expect(page.getByTestId("vram-glance")).toContainText("of a 12 GB budget (configured)");
  await expect(page.getByTestId("vram-glance")).toContainText(model!);

  await nav(page, "VRAM").click();
  await expect(page.getByRole("heading", { name: "VRAM", level: 1 })).toBeVisible();
  await expect(page.getByTestId("vram-budget")).toHaveText("12 GB");
  await expect(page.getByTestId("vram-gpu-used")).toHaveText("11 / 39.98 GB");
  const row = page.getByTestId(`vram-model-${model}`);
  await expect(row).toBeVisible();
  await expect(row).toContainText("ollama");
  await expect(row).toContainText(/\d+\.\d\d GB/);
  await expect(page.getByTestId("vram-events-table")).toContainText(model!);
  await expect(page.getByTestId("vram-gpu-chart")).toContainText("nvidia1 · NVIDIA RTX A4000");
  await expect(page.getByTestId("vram-gpu-chart").getByRole("img", { name: "nvidia0 memory used and total" })).toBeVisible();
  await expect(page.getByTestId("vram-model-chart").getByRole("img", { name: "VRAM held by each loaded model" })).toBeVisible();
  await expect(page.getByTestId("vram-budget-panel")).toContainText("of the 12 GB budget (configured)");
  await expect(page.getByTestId("vram-budget-panel")).toContainText("GPUs: 11.00 GB of 39.98 GB in use");
  await expect(page.getByTestId("vram-warnings")).toHaveText("No warnings."); // 27.5 % of the GPUs' memory

  // A narrow window: the page fits its width (the tables scroll inside their own box).
  await page.setViewportSize({ width: 390, height: 800 });
  await page.reload();
  await expect(page.getByTestId(`vram-model-${model}`)).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);
  clean();
});
