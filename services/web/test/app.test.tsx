import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "../src/App";
import type { DrawnItem, HistoryEntry, InventoryItem } from "../src/types";
import { authRoutes, fakeFetch, json, tokenFor } from "./fake-fetch";

const SLIME: DrawnItem = { item_id: 1, item_name: "Slime", rarity: "N" };
const KNIGHT: DrawnItem = { item_id: 2, item_name: "Knight", rarity: "R" };
const WIZARD: DrawnItem = { item_id: 3, item_name: "Wizard", rarity: "SR" };
const DRAGON: DrawnItem = { item_id: 4, item_name: "Dragon", rarity: "SSR" };

const history = (item: DrawnItem, n: number): HistoryEntry => ({
  ...item,
  draw_id: `d${n}`,
  created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
});

/** A gateway holding nothing but answering draws with `drawn` and the given inventory/history, behind auth as user 42. */
function gateway(opts: { drawn?: DrawnItem[]; inventory?: InventoryItem[]; pages?: Record<string, HistoryEntry[]> }) {
  const pages = opts.pages ?? { "": [] };
  const cursors = Object.keys(pages);
  return fakeFetch({
    ...authRoutes(42),
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

/** Fills the sign-in form and presses Sign in (or Sign up); waits for the signed-in page. */
async function signIn(user: ReturnType<typeof userEvent.setup>, how: "Sign in" | "Sign up" = "Sign in") {
  await user.type(screen.getByLabelText("Username"), "alice");
  await user.type(screen.getByLabelText("Password"), "correct horse battery");
  await user.click(screen.getByRole("button", { name: how }));
  await screen.findByRole("button", { name: "Sign out" });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the gacha page", () => {
  it("when the page opens, then it asks to sign in and offers no draw", () => {
    gateway({});
    render(<App />);
    expect(screen.getByRole("form", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Draw" })).not.toBeInTheDocument();
    expect(screen.queryByLabelText("User ID")).not.toBeInTheDocument();
  });

  it("when a user signs up, then the account is created, they are signed in, and the user id comes from the token", async () => {
    const { sent } = gateway({});
    const user = userEvent.setup();
    render(<App />);

    await signIn(user, "Sign up");

    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /auth/register", "POST /auth/login"]);
    expect(sent[0]!.body).toEqual({ username: "alice", password: "correct horse battery" });
    expect(screen.getByText(/Signed in as/)).toHaveTextContent("Signed in as alice (user 42)");
  });

  it("when signed in and Draw is clicked, then one item is drawn with the token (no user_id sent) and shown with its name and rarity", async () => {
    const { sent } = gateway({ drawn: [DRAGON] });
    const user = userEvent.setup();
    render(<App />);

    await signIn(user);
    await user.click(screen.getByRole("button", { name: "Draw" }));

    const drawn = await screen.findByRole("list", { name: "Drawn items" });
    expect(within(drawn).getByRole("listitem")).toHaveTextContent(/Dragon.*SSR/);
    const post = sent.find((r) => r.path === "/draw");
    expect(post).toMatchObject({ method: "POST", body: { count: 1 }, authorization: `Bearer ${tokenFor(42)}` });
    // the inventory and history of the signed-in user are fetched after the draw, with the token
    const reads = sent.filter((r) => r.method === "GET");
    expect(reads.map((r) => r.path).sort()).toEqual(["/histories/42", "/inventories/42"]);
    for (const r of reads) expect(r.authorization).toBe(`Bearer ${tokenFor(42)}`);
  });

  it("when the password is wrong or the name taken, then the auth service's message is shown and nobody is signed in", async () => {
    gateway({});
    const user = userEvent.setup();
    render(<App />);

    await user.type(screen.getByLabelText("Username"), "alice");
    await user.type(screen.getByLabelText("Password"), "wrong password");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("wrong username or password");

    await user.clear(screen.getByLabelText("Username"));
    await user.type(screen.getByLabelText("Username"), "taken");
    await user.click(screen.getByRole("button", { name: "Sign up" }));
    await vi.waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("username is taken"));
    expect(screen.queryByRole("button", { name: "Sign out" })).not.toBeInTheDocument();
  });

  it("when Sign out is clicked, then the page forgets the token and the drawn items, and asks to sign in again", async () => {
    gateway({ drawn: [DRAGON] });
    const user = userEvent.setup();
    render(<App />);
    await signIn(user);
    await user.click(screen.getByRole("button", { name: "Draw" }));
    await screen.findByRole("list", { name: "Drawn items" });

    await user.click(screen.getByRole("button", { name: "Sign out" }));

    expect(screen.getByRole("form", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.queryByRole("list", { name: "Drawn items" })).not.toBeInTheDocument();
    expect(window.localStorage.length).toBe(0);
    expect(window.sessionStorage.length).toBe(0);
    expect(document.cookie).toBe("");
  });

  it("when the gateway answers 401 (the token expired), then the page signs out and says so", async () => {
    fakeFetch({
      ...authRoutes(42),
      "POST /draw": () => json({ error: { code: "UNAUTHENTICATED", message: "the token is invalid or expired" } }, 401),
    });
    const user = userEvent.setup();
    render(<App />);
    await signIn(user);

    await user.click(screen.getByRole("button", { name: "Draw" }));

    expect(await screen.findByText("Your session has ended: sign in again.")).toBeInTheDocument();
    expect(screen.getByRole("form", { name: "Sign in" })).toBeInTheDocument();
  });

  it("when Draw 10 is clicked, then ten items are requested and all of them are listed", async () => {
    const ten = [SLIME, KNIGHT, WIZARD, DRAGON, SLIME, SLIME, KNIGHT, SLIME, WIZARD, SLIME];
    const { sent } = gateway({ drawn: ten });
    const user = userEvent.setup();
    render(<App />);
    await signIn(user);

    await user.click(screen.getByRole("button", { name: "Draw 10" }));

    const drawn = await screen.findByRole("list", { name: "Drawn items" });
    expect(within(drawn).getAllByRole("listitem")).toHaveLength(10);
    expect(sent.find((r) => r.path === "/draw")?.body).toEqual({ count: 10 });
  });

  it("when items were drawn, then each rarity is shown as text, so it does not depend on colour", async () => {
    gateway({ drawn: [SLIME, KNIGHT, WIZARD, DRAGON] });
    const user = userEvent.setup();
    render(<App />);
    await signIn(user);

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
    await signIn(user);

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

    await signIn(user);
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
    const pageRequests = sent.filter((r) => r.path === "/histories/42");
    expect(pageRequests.map((r) => r.query.get("cursor"))).toEqual([null, "c1"]);
    // the last page has next_cursor null: nothing more to load
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  });

  it("when the API answers with an error, then its message is shown in an alert and cleared by the next success", async () => {
    let draws = 0;
    const { fetch } = fakeFetch({
      ...authRoutes(42),
      "POST /draw": () =>
        ++draws === 1
          ? json({ error: { code: "UNAVAILABLE", message: "service temporarily unavailable" } }, 503)
          : json({ draw_id: "d", items: [SLIME] }),
      "GET /": () => json({ items: [], histories: [], next_cursor: null }),
    });
    const user = userEvent.setup();
    render(<App />);
    await signIn(user);

    await user.click(screen.getByRole("button", { name: "Draw" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("service temporarily unavailable");
    expect(screen.queryByRole("list", { name: "Drawn items" })).not.toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Draw" }));
    await screen.findByRole("list", { name: "Drawn items" });
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(fetch).toHaveBeenCalled();
  });
});
