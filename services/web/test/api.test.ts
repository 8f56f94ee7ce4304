import { afterEach, describe, expect, it, vi } from "vitest";
import { API_TIMEOUT_MS, draw, getInventory, toUserId } from "../src/api";
import { fakeFetch, json } from "./fake-fetch";

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the API client", () => {
  it("when a call is made, then fetch gets an abort signal (a deadline), on the page's own origin", async () => {
    const { sent } = fakeFetch({ "GET /inventories/": () => json({ items: [] }) });
    const timeout = vi.spyOn(AbortSignal, "timeout");

    await getInventory(3);

    expect(timeout).toHaveBeenCalledWith(API_TIMEOUT_MS);
    expect(sent[0]!.signal).toBeInstanceOf(AbortSignal);
    expect(sent[0]!.path).toBe("/inventories/3");
  });

  it("when the deadline passes, then the error says the server did not answer in time", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(() => Promise.reject(new DOMException("signal timed out", "TimeoutError"))),
    );
    await expect(draw(1, 1)).rejects.toThrow(`The server did not answer within ${API_TIMEOUT_MS / 1000} s`);
  });

  it("when the network fails, then the error says the server cannot be reached", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(() => Promise.reject(new TypeError("Failed to fetch"))),
    );
    await expect(draw(1, 1)).rejects.toThrow("Cannot reach the server");
  });

  it("when an error response is not the gateway's JSON, then the error names the HTTP status", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response("<html>Bad Gateway</html>", { status: 502 })),
    );
    await expect(getInventory(1)).rejects.toMatchObject({ message: "Request failed with HTTP 502", status: 502 });
  });

  it("when the field holds a safe integer, then it is sent as a number; anything else as typed", () => {
    expect(toUserId(" 12 ")).toBe(12);
    expect(toUserId("0")).toBe(0);
    expect(toUserId("9007199254740993")).toBe("9007199254740993");
    expect(toUserId("1e3")).toBe("1e3");
  });
});
