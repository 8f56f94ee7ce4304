import { HttpError } from "@gacha/runtime";
import { parseCursor, parseDrawBody, parseIdempotencyKey, parseLimit, parseUserIdParam } from "../src/validation";

const rejects = (fn: () => unknown, message?: string) => {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(HttpError);
  expect((thrown as HttpError).status).toBe(400);
  if (message) expect((thrown as HttpError).message).toBe(message);
};

describe("parseDrawBody", () => {
  it("when user_id is 1..2^53-1 and count 1..10, then it converts to bigint and keeps count", () => {
    expect(parseDrawBody({ user_id: 1 })).toEqual({ userId: 1n, count: 1 });
    // No user_id: the draw is for the signed-in user (the route fills it from the token).
    expect(parseDrawBody({ count: 2 })).toEqual({ count: 2 });
    expect(parseDrawBody({})).toEqual({ count: 1 });
    expect(parseDrawBody({ user_id: Number.MAX_SAFE_INTEGER, count: 10 })).toEqual({
      userId: 9007199254740991n,
      count: 10,
    });
  });

  it.each([[0], [-1], [1.5], ["1"], [true], [null], [[1]], [Number.MAX_SAFE_INTEGER + 1], [2 ** 63], [Infinity]])(
    "when user_id is %p, then 400 'user_id must be a positive integer'",
    (userId) => rejects(() => parseDrawBody({ user_id: userId }), "user_id must be a positive integer"),
  );

  it("when an unknown field is present, then the message names it", () => {
    rejects(() => parseDrawBody({ user_id: 1, admin: true }), "unknown field: admin");
  });

  it.each([[0], [11], [2.5], ["3"], [null]])("when count is %p, then 400", (count) => {
    rejects(() => parseDrawBody({ user_id: 1, count }), "count must be an integer from 1 to 10");
  });

  it.each([[null], [[]], [1], ["x"]])("when the body is %p, then 400 'must be a JSON object'", (body) => {
    rejects(() => parseDrawBody(body), "request body must be a JSON object");
  });
});

describe("parseUserIdParam", () => {
  it("when the segment is a safe positive decimal, then it converts to bigint", () => {
    expect(parseUserIdParam("42")).toBe(42n);
    expect(parseUserIdParam("9007199254740991")).toBe(9007199254740991n);
  });
  it.each(["0", "01", "-1", "1.0", "1e3", " 1", "abc", "", "9007199254740992", "99999999999999999"])(
    "when the segment is %p, then 400",
    (raw) => rejects(() => parseUserIdParam(raw)),
  );
});

describe("parseLimit and parseCursor", () => {
  it("when limit is absent, then 20; when 1 or 100, then that", () => {
    expect(parseLimit(undefined)).toBe(20);
    expect(parseLimit("1")).toBe(1);
    expect(parseLimit("100")).toBe(100);
  });
  it.each(["0", "101", "abc", "1.5", "-1", "", "01", ["1", "2"]])("when limit is %p, then 400", (raw) => {
    rejects(() => parseLimit(raw));
  });
  it("when a cursor is given once, then it passes through; twice, then 400", () => {
    expect(parseCursor(undefined)).toBe("");
    expect(parseCursor("abc")).toBe("abc");
    rejects(() => parseCursor(["a", "b"]));
  });
});

describe("parseIdempotencyKey", () => {
  it("when absent, then empty; when 1..255 printable ASCII, then itself", () => {
    expect(parseIdempotencyKey(undefined)).toBe("");
    expect(parseIdempotencyKey("order-42")).toBe("order-42");
    expect(parseIdempotencyKey("k".repeat(255))).toBe("k".repeat(255));
  });
  it.each(["", "k".repeat(256), "café", "a\tb", ["a", "b"]])("when it is %p, then 400", (raw) => {
    rejects(() => parseIdempotencyKey(raw));
  });
});
