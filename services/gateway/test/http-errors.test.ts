import { Metadata, status, type ServiceError } from "@grpc/grpc-js";
import { createLogger, HttpError, toHttpError } from "@gacha/runtime";

const logger = createLogger("test", { level: "silent" });
const grpcError = (code: status, details: string): ServiceError =>
  Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: new Metadata() });

describe("toHttpError", () => {
  it.each([
    [status.INVALID_ARGUMENT, 400, "INVALID_ARGUMENT", "bad cursor"],
    [status.NOT_FOUND, 404, "NOT_FOUND", "bad cursor"],
    [status.ALREADY_EXISTS, 409, "ALREADY_EXISTS", "bad cursor"],
    [status.ABORTED, 409, "ABORTED", "bad cursor"],
    [status.RESOURCE_EXHAUSTED, 429, "RESOURCE_EXHAUSTED", "bad cursor"],
    [status.UNAVAILABLE, 503, "UNAVAILABLE", "service temporarily unavailable"],
    [status.DEADLINE_EXCEEDED, 504, "DEADLINE_EXCEEDED", "upstream deadline exceeded"],
    [status.INTERNAL, 500, "INTERNAL", "internal error"],
    [status.UNKNOWN, 500, "INTERNAL", "internal error"],
    [status.PERMISSION_DENIED, 500, "INTERNAL", "internal error"],
  ])("when upstream returns %s, then HTTP %i %s", (code, httpStatus, name, message) => {
    expect(toHttpError(grpcError(code, "bad cursor"), logger)).toEqual(
      new HttpError(httpStatus, name as never, message),
    );
  });

  it("when a plain Error is thrown, then 500 with the generic message only", () => {
    const err = toHttpError(new Error("secret detail"), logger);
    expect([err.status, err.code, err.message]).toEqual([500, "INTERNAL", "internal error"]);
  });

  it.each([
    ["entity.parse.failed", 400, 400],
    ["entity.too.large", 413, 413],
    ["encoding.unsupported", 415, 415],
    ["charset.unsupported", 415, 415],
    ["request.aborted", 400, 400],
  ])("when body-parser fails with %s, then %i INVALID_ARGUMENT", (type, parserStatus, httpStatus) => {
    const err = toHttpError(Object.assign(new Error("x"), { type, status: parserStatus }), logger);
    expect([err.status, err.code]).toEqual([httpStatus, "INVALID_ARGUMENT"]);
  });
});
