import { expect, test } from "@playwright/test";
import { signIn, watchForErrors } from "./console-helpers";

test("a page or a tRPC procedure without a session is refused", async ({ page, request }) => {
  await page.goto("/console/models");
  await expect(page).toHaveURL(/\/console\/login$/);
  const query = await request.get(`/api/trpc/models.list`);
  expect(query.status()).toBe(401);
  const mutation = await request.post(`/api/trpc/routing.save`, { data: { qualityPreference: 1 }, headers: { origin: new URL(page.url()).origin } });
  expect(mutation.status()).toBe(401);
});

test("a wrong key is refused, the right key signs in, and signing out revokes the session", async ({ page, context }) => {
  const clean = watchForErrors(page);
  await signIn(page, "not-the-key");
  await expect(page).toHaveURL(/\/console\/login\?error=invalid$/);
  await expect(page.getByText("That admin key is not right.")).toBeVisible();
  await expect(page.getByLabel("Admin key")).toHaveAttribute("aria-invalid", "true");

  await signIn(page);
  await expect(page).toHaveURL(/\/console$/);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  const [cookie] = (await context.cookies()).filter((entry) => entry.name === "smarterrouter_session");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
  // Checked before signing out: a poll already in flight when the session is revoked is rightly refused (401).
  clean();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/console\/login\?loggedOut=1$/);
  // A copy of the old cookie is worthless now: the session is gone on the server.
  await context.addCookies([cookie]);
  const replay = await page.request.get(`/api/trpc/models.list`);
  expect(replay.status()).toBe(401);
  await page.goto("/console/settings");
  await expect(page).toHaveURL(/\/console\/login$/);
});

test("a mutation from another origin is refused even with a session", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/console$/);
  const response = await page.request.post(`/api/trpc/routing.save`, { data: { qualityPreference: 1 }, headers: { origin: "https://evil.example" } });
  expect(response.status()).toBe(403);
});
