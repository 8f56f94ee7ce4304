import { afterEach, describe, expect, it, vi } from "vitest";
import { API_TIMEOUT_MS, draw, getInventory, login } from "../src/api";
import { sessionFromToken } from "../src/session";
import { authRoutes, fakeFetch, json, tokenFor } from "./fake-fetch";

const session = sessionFromToken(tokenFor(3), "carol");

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the API client", () => {
  it("when a call is made, then fetch gets an abort signal (a deadline), on the page's own origin", async () => {
    const { sent } = fakeFetch({ "GET /inventories/": () => json({ items: [] }) });
    const timeout = vi.spyOn(AbortSignal, "timeout");

    await getInventory(session);

    expect(timeout).toHaveBeenCalledWith(API_TIMEOUT_MS);
    expect(sent[0]!.signal).toBeInstanceOf(AbortSignal);
    expect(sent[0]!.path).toBe("/inventories/3");
    expect(sent[0]!.authorization).toBe(`Bearer ${tokenFor(3)}`);
  });

  it("when the deadline passes, then the error says the server did not answer in time", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(() => Promise.reject(new DOMException("signal timed out", "TimeoutError"))),
    );
    await expect(draw(session, 1)).rejects.toThrow(`The server did not answer within ${API_TIMEOUT_MS / 1000} s`);
  });

  it("when the network fails, then the error says the server cannot be reached", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(() => Promise.reject(new TypeError("Failed to fetch"))),
    );
    await expect(draw(session, 1)).rejects.toThrow("Cannot reach the server");
  });

  it("when an error response is not the gateway's JSON, then the error names the HTTP status", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response("<html>Bad Gateway</html>", { status: 502 })),
    );
    await expect(getInventory(session)).rejects.toMatchObject({ message: "Request failed with HTTP 502", status: 502 });
  });

  it("when signing in, then the session holds the token and the user id from its sub", async () => {
    fakeFetch(authRoutes(77));
    await expect(login("dave", "correct horse battery")).resolves.toEqual({
      token: tokenFor(77),
      userId: 77,
      username: "dave",
    });
  });

  it("when the token's sub is not a user id or the answer not a token, then signing in fails with a message", () => {
    expect(() => sessionFromToken("not-a-token", "x")).toThrow("The sign-in answer was not a token");
    const noSub = tokenFor(1).replace(/\.[^.]+\./, `.${btoa(JSON.stringify({ sub: "alice" }))}.`);
    expect(() => sessionFromToken(noSub, "x")).toThrow("The token does not name a user");
  });
});
