// The page in real Chromium against a running `npm run dev` (Vite on
// WEB_BASE_URL, default http://127.0.0.1:5173, proxying to the real auth
// service, gateway, gacha, item and MariaDB). It signs up first, as a user
// would. Run by scripts/e2e-web.sh; saves the README's screenshot.
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.ts";

const BASE = process.env.WEB_BASE_URL ?? "http://127.0.0.1:5173";
// WEB_SCREENSHOT overrides where the README's screenshot goes (the cluster tier keeps the checkout untouched)
const SCREENSHOT = process.env.WEB_SCREENSHOT ?? path.resolve(import.meta.dirname, "../../../docs/images/web.png");
// a new account per run, so counts start at zero
const USERNAME = `web_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const PASSWORD = "a long enough password";

let browser: Browser;
let page: Page;
const foreignRequests: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
  page.setDefaultTimeout(15_000);
  // same origin everywhere: the page must never call anything but its own origin
  page.on("request", (r) => {
    if (new URL(r.url()).origin !== new URL(BASE).origin) foreignRequests.push(r.url());
  });
  await page.goto(BASE);
});

afterAll(async () => {
  await browser?.close();
});

/** expect.poll with room for a cold start (first draws on a fresh `npm run dev` take seconds); its default is 1 s. */
const eventually = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });
const drawnItems = () => page.getByRole("list", { name: "Drawn items" }).getByRole("listitem");
const historyItems = () => page.getByRole("list", { name: "History" }).getByRole("listitem");
const inventoryTotal = () => page.getByRole("table", { name: "Inventory" }).getByRole("row", { name: /^Total/ });

describe("the gacha page against npm run dev", () => {
  it("when a new user signs up, then they are signed in and the page shows their user id from the token", async () => {
    await page.getByLabel("Username").fill(USERNAME);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();

    await eventually(() => page.getByText(/Signed in as/).textContent()).toMatch(
      new RegExp(`^Signed in as ${USERNAME} \\(user \\d+\\)`),
    );
    // in memory only: nothing in the browser's storage
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
  });

  it("when Draw is clicked, then one item with a rarity badge is shown and the inventory counts it", async () => {
    await page.getByRole("button", { name: "Draw", exact: true }).click();

    await eventually(() => drawnItems().count()).toBe(1);
    expect(await drawnItems().first().textContent()).toMatch(/ (N|R|★ SR|★★ SSR)$/);
    await eventually(() => inventoryTotal().textContent()).toBe("Total1");
  });

  it("when Draw 10 is clicked, then ten items are shown and the inventory totals the eleven drawn", async () => {
    await page.getByRole("button", { name: "Draw 10" }).click();

    await eventually(() => drawnItems().count()).toBe(10);
    await eventually(() => inventoryTotal().textContent()).toBe("Total11");
    // the rows add up to the same total
    const counts = await page.getByRole("table", { name: "Inventory" }).locator("tbody td.count").allTextContents();
    expect(counts.map(Number).reduce((a, b) => a + b, 0)).toBe(11);
  });

  it("when the history has more than a page, then Load more shows the rest, newest first", async () => {
    // a page is 10 entries: 11 draws give two pages
    await eventually(() => historyItems().count()).toBe(10);
    await page.getByRole("button", { name: "Load more" }).click();

    await eventually(() => historyItems().count()).toBe(11);
    await eventually(() => page.getByRole("button", { name: "Load more" }).count()).toBe(0);
    const times = await page
      .getByRole("list", { name: "History" })
      .locator("time")
      .evaluateAll((ts) => ts.map((t) => Date.parse(t.getAttribute("datetime") ?? "")));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it("when the user signs out and signs in again, then the same history is back; a wrong password is refused", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await eventually(() => page.getByRole("button", { name: "Draw", exact: true }).count()).toBe(0);

    await page.getByLabel("Username").fill(USERNAME);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await eventually(() => page.getByRole("alert").textContent()).toBe("wrong username or password");

    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Refresh" }).click();
    await eventually(() => inventoryTotal().textContent()).toBe("Total11");
  });

  it("when everything above ran, then the page called nothing but its own origin", () => {
    expect(foreignRequests).toEqual([]);
  });
});
