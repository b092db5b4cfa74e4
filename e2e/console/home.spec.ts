import { expect, test } from "@playwright/test";

test("the home page shows the router's health and its backends", async ({ page }) => {
  const outside: string[] = [];
  page.on("request", (request) => {
    const host = new URL(request.url()).hostname;
    if (host !== "127.0.0.1" && host !== "localhost") outside.push(request.url());
  });
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "SmarterRouter" })).toBeVisible();
  await expect(page.getByTestId("health-status")).toHaveText("ok");
  await expect(page.getByTestId("models-available")).not.toHaveText("0");
  await expect(page.getByText("ollama", { exact: true })).toBeVisible();
  expect(outside).toEqual([]);
});
