import { status } from "@grpc/grpc-js";
import { decodeCursor, encodeCursor } from "../src/cursor";

const b64 = (s: string) => Buffer.from(s).toString("base64url");

describe("cursor", () => {
  it.each([1n, 42n, 2n ** 63n - 1n])("when id %s is encoded, then it decodes back", (id) => {
    const cursor = encodeCursor(id);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toBe(id);
  });

  it.each([
    ["not base64url", "h1:5"],
    ["standard base64 padding", Buffer.from("h1:5").toString("base64")],
    ["a wrong tag", b64("h2:5")],
    ["no tag", b64("5")],
    ["a non-numeric id", b64("h1:abc")],
    ["a negative id", b64("h1:-5")],
    ["id zero", b64("h1:0")],
    ["a leading zero", b64("h1:05")],
    ["an id beyond 2^63-1", b64(`h1:${2n ** 63n}`)],
    ["trailing text", b64("h1:5 ")],
    ["an oversize string", "A".repeat(65)],
  ])("when the cursor has %s, then it is INVALID_ARGUMENT", (_case, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(
      expect.objectContaining({ code: status.INVALID_ARGUMENT, message: "cursor is invalid" }),
    );
  });
});
