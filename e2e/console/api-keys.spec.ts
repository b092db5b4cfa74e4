import { expect, test } from "@playwright/test";
import { nav, signIn, watchForErrors } from "./console-helpers";

// The API keys page against the e2e router, which does not require keys: a valid key is still
// accepted and counted. The secret is shown once, right after creation, and nowhere after a reload.

test("create a key, read its secret once, use it, and revoke it, without errors, wide and narrow", async ({ page, context }) => {
  const clean = watchForErrors(page);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page);
  await nav(page, "API keys").click();
  await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
  await expect(page.getByTestId("require-api-key")).toContainText("keys are accepted but not required");

  // Field errors next to their fields; nothing is created
  const nameField = page.getByLabel("Name", { exact: true });
  const limitField = page.getByLabel("Requests per minute (optional)");
  const create = page.getByRole("button", { name: "Create key" });
  await limitField.fill("0");
  await create.click();
  await expect(page.getByText("Enter a name")).toBeVisible();
  await expect(nameField).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Enter a whole number from 1 to 1,000,000, or leave it empty")).toBeVisible();
  await expect(limitField).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("new-key-secret")).toHaveCount(0);

  // Create: the secret once, with a copy button and a clear warning
  const name = `e2e-key-${Date.now()}`;
  await nameField.fill(name);
  await limitField.fill("1,200");
  await create.click();
  const once = page.getByTestId("new-key-secret");
  await expect(once).toContainText("you will not see it again");
  const secret = (await once.getByTestId("secret-value").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^sr-[\w-]{43}$/);
  await once.getByRole("button", { name: "Copy" }).click();
  await expect(once.getByRole("status")).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await once.getByRole("button", { name: "I have copied it" }).click();
  await expect(once).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);
  const row = page.getByTestId(`api-key-row-${name}`);
  await expect(row).toContainText(`${secret.slice(0, 12)}…`);
  await expect(row).toContainText("1,200");
  await expect(row).toContainText("never");
  await expect(row).toContainText("active");
  await expect(row.getByTestId("usage-requests")).toHaveText("0");

  // Use it on /v1: served, and counted for this key
  const answer = await page.request.post("/v1/chat/completions", {
    headers: { authorization: `Bearer ${secret}` },
    data: { model: "smarterrouter/main", messages: [{ role: "user", content: "Say hello to the API keys page." }] },
  });
  expect(answer.status(), await answer.text()).toBe(200);
  // Requests are current on every load; token totals arrive with the decision log's next batch.
  await expect(async () => {
    await page.reload();
    await expect(row.getByTestId("usage-requests")).toHaveText("1", { timeout: 1_000 });
    await expect(row.getByTestId("usage-prompt-tokens")).not.toHaveText("0", { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(row).not.toContainText("never");

  // After the reload the secret is nowhere on the page
  await expect(page.getByTestId("new-key-secret")).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(secret);

  // Revoke, with a confirmation that can be cancelled
  await row.getByRole("button", { name: "Revoke", exact: true }).click();
  await row.getByRole("button", { name: "Cancel" }).click();
  await expect(row).toContainText("active");
  await row.getByRole("button", { name: "Revoke", exact: true }).click();
  await row.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(row).toContainText("revoked");
  await expect(row).toHaveAttribute("data-revoked", "true");
  await expect(row.getByRole("button", { name: "Revoke", exact: true })).toHaveCount(0);

  // A narrow window: the page fits its width (the table scrolls inside its own box)
  await page.setViewportSize({ width: 390, height: 800 });
  await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1);
  clean();
});
