import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "../src/App";
import type { DrawnItem, HistoryEntry, InventoryItem } from "../src/types";
import { fakeFetch, json } from "./fake-fetch";

const SLIME: DrawnItem = { item_id: 1, item_name: "Slime", rarity: "N" };
const KNIGHT: DrawnItem = { item_id: 2, item_name: "Knight", rarity: "R" };
const WIZARD: DrawnItem = { item_id: 3, item_name: "Wizard", rarity: "SR" };
const DRAGON: DrawnItem = { item_id: 4, item_name: "Dragon", rarity: "SSR" };

const history = (item: DrawnItem, n: number): HistoryEntry => ({
  ...item,
  draw_id: `d${n}`,
  created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
});

/** A gateway holding nothing but answering draws with `drawn` and the given inventory/history. */
function gateway(opts: { drawn?: DrawnItem[]; inventory?: InventoryItem[]; pages?: Record<string, HistoryEntry[]> }) {
  const pages = opts.pages ?? { "": [] };
  const cursors = Object.keys(pages);
  return fakeFetch({
    "POST /draw": (req) => {
      const count = (req.body as { count: number }).count;
      return json({ draw_id: "d-new", items: (opts.drawn ?? [SLIME]).slice(0, count) });
    },
    "GET /inventories/": () => json({ items: opts.inventory ?? [] }),
    "GET /histories/": (req) => {
      const at = cursors.indexOf(req.query.get("cursor") ?? "");
      return json({ histories: pages[cursors[at]!] ?? [], next_cursor: cursors[at + 1] ?? null });
    },
  });
}

async function typeUserId(user: ReturnType<typeof userEvent.setup>, id: string) {
  const field = screen.getByLabelText("User ID");
  await user.clear(field);
  await user.type(field, id);
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the gacha page", () => {
  it("when a user id is entered and Draw is clicked, then one item is drawn for that user and shown with its name and rarity", async () => {
    const { sent } = gateway({ drawn: [DRAGON] });
    const user = userEvent.setup();
    render(<App />);

    await typeUserId(user, "42");
    await user.click(screen.getByRole("button", { name: "Draw" }));

    const drawn = await screen.findByRole("list", { name: "Drawn items" });
    expect(within(drawn).getByRole("listitem")).toHaveTextContent(/Dragon.*SSR/);
    expect(sent.find((r) => r.method === "POST")).toMatchObject({ path: "/draw", body: { user_id: 42, count: 1 } });
    // the inventory and history of that user are fetched after the draw
    expect(sent.map((r) => r.path)).toEqual(expect.arrayContaining(["/inventories/42", "/histories/42"]));
  });

  it("when Draw 10 is clicked, then ten items are requested and all of them are listed", async () => {
    const ten = [SLIME, KNIGHT, WIZARD, DRAGON, SLIME, SLIME, KNIGHT, SLIME, WIZARD, SLIME];
    const { sent } = gateway({ drawn: ten });
    const user = userEvent.setup();
    render(<App />);

    await user.click(screen.getByRole("button", { name: "Draw 10" }));

    const drawn = await screen.findByRole("list", { name: "Drawn items" });
    expect(within(drawn).getAllByRole("listitem")).toHaveLength(10);
    expect(sent.find((r) => r.method === "POST")?.body).toEqual({ user_id: 1, count: 10 });
  });

  it("when items were drawn, then each rarity is shown as text, so it does not depend on colour", async () => {
    gateway({ drawn: [SLIME, KNIGHT, WIZARD, DRAGON] });
    const user = userEvent.setup();
    render(<App />);

    await user.click(screen.getByRole("button", { name: "Draw 10" }));

    const items = within(await screen.findByRole("list", { name: "Drawn items" })).getAllByRole("listitem");
    expect(items.map((li) => li.textContent)).toEqual(["Slime N", "Knight R", "Wizard ★ SR", "Dragon ★★ SSR"]);
    expect(new Set(items.map((li) => li.className)).size).toBe(4);
  });

  it("when the user has items, then the inventory is a table with one row per item and their total", async () => {
    gateway({
      inventory: [
        { ...SLIME, count: 3 },
        { ...DRAGON, count: 1 },
      ],
    });
    const user = userEvent.setup();
    render(<App />);

    await user.click(screen.getByRole("button", { name: "Draw" }));

    const table = await screen.findByRole("table", { name: "Inventory" });
    const rows = within(table).getAllByRole("row");
    expect(rows.map((r) => [...r.querySelectorAll("th, td")].map((c) => c.textContent))).toEqual([
      ["Item", "Rarity", "Count"],
      ["Slime", "N", "3"],
      ["Dragon", "★★ SSR", "1"],
      ["Total", "", "4"],
    ]);
  });

  it("when the history has another page, then Load more fetches it with next_cursor and appends it", async () => {
    const { sent } = gateway({
      pages: { "": [history(DRAGON, 3), history(KNIGHT, 2)], c1: [history(SLIME, 1)] },
    });
    const user = userEvent.setup();
    render(<App />);

    await typeUserId(user, "7");
    await user.click(screen.getByRole("button", { name: "Refresh" }));
    const list = await screen.findByRole("list", { name: "History" });
    expect(within(list).getAllByRole("listitem")).toHaveLength(2);

    await user.click(screen.getByRole("button", { name: "Load more" }));

    await vi.waitFor(() => expect(within(list).getAllByRole("listitem")).toHaveLength(3));
    expect(
      within(list)
        .getAllByRole("listitem")
        .map((li) => li.querySelector(".name")?.textContent),
    ).toEqual(["Dragon", "Knight", "Slime"]);
    const pageRequests = sent.filter((r) => r.path === "/histories/7");
    expect(pageRequests.map((r) => r.query.get("cursor"))).toEqual([null, "c1"]);
    // the last page has next_cursor null: nothing more to load
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  });

  it("when the API answers with an error, then its message is shown in an alert and cleared by the next success", async () => {
    const { fetch } = fakeFetch({
      "POST /draw": (req) =>
        (req.body as { user_id: unknown }).user_id === 0
          ? json({ error: { code: "INVALID_ARGUMENT", message: "user_id must be a positive integer" } }, 400)
          : json({ draw_id: "d", items: [SLIME] }),
      "GET /": () => json({ items: [], histories: [], next_cursor: null }),
    });
    const user = userEvent.setup();
    render(<App />);

    await typeUserId(user, "0");
    await user.click(screen.getByRole("button", { name: "Draw" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("user_id must be a positive integer");
    expect(screen.queryByRole("list", { name: "Drawn items" })).not.toBeInTheDocument();

    await typeUserId(user, "5");
    await user.click(screen.getByRole("button", { name: "Draw" }));
    await screen.findByRole("list", { name: "Drawn items" });
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(fetch).toHaveBeenCalled();
  });

  it("when the user id field holds text, then it is sent as typed and the gateway's message is shown", async () => {
    const { sent } = fakeFetch({
      "GET /inventories/": () =>
        json({ error: { code: "INVALID_ARGUMENT", message: "user_id must be a positive integer" } }, 400),
      "GET /histories/": () =>
        json({ error: { code: "INVALID_ARGUMENT", message: "user_id must be a positive integer" } }, 400),
    });
    const user = userEvent.setup();
    render(<App />);

    await typeUserId(user, "a/b{enter}");

    expect(await screen.findByRole("alert")).toHaveTextContent("user_id must be a positive integer");
    expect(sent.map((r) => r.path)).toContain("/inventories/a%2Fb");
  });
});
