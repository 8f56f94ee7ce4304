import { status } from "@grpc/grpc-js";
import pino from "pino";
import { invalidArgument, isUnavailable, toGrpcStatus, unavailable } from "../src/errors";

const logged: unknown[] = [];
const logger = pino({ level: "debug" }, { write: (line: string) => logged.push(JSON.parse(line)) });

describe("toGrpcStatus", () => {
  beforeEach(() => (logged.length = 0));

  it("when the domain throws an AppError, then its code and message reach the client", () => {
    expect(toGrpcStatus(invalidArgument("count must be 1..10"), logger)).toEqual({
      code: status.INVALID_ARGUMENT,
      details: "count must be 1..10",
    });
    expect(toGrpcStatus(unavailable("item service down"), logger).code).toBe(status.UNAVAILABLE);
  });

  it("when an unknown error is thrown, then the client gets a generic INTERNAL and the log gets the detail", () => {
    const result = toGrpcStatus(new Error("secret table name leaked"), logger);
    expect(result).toEqual({ code: status.INTERNAL, details: "internal error" });
    expect(JSON.stringify(logged)).toContain("secret table name leaked");
  });

  it("when a database connection error is nested in the cause chain, then it is UNAVAILABLE", () => {
    const driver = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:3306"), { code: "ECONNREFUSED" });
    const wrapped = new Error("query failed", { cause: new Error("adapter", { cause: driver }) });
    expect(isUnavailable(wrapped)).toBe(true);
    expect(toGrpcStatus(wrapped, logger)).toEqual({
      code: status.UNAVAILABLE,
      details: "service temporarily unavailable",
    });
  });

  it("when an error is a plain bug, then it is not mistaken for unavailability", () => {
    expect(isUnavailable(new TypeError("x is undefined"))).toBe(false);
    expect(isUnavailable(Object.assign(new Error("dup"), { code: "P2002" }))).toBe(false);
  });

  it("when an AppError for an outage wraps the driver's error, then the log line carries that cause", () => {
    const driver = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:3306"), { code: "ECONNREFUSED" });
    expect(toGrpcStatus(unavailable("item service down", driver), logger)).toEqual({
      code: status.UNAVAILABLE,
      details: "item service down",
    });
    expect(JSON.stringify(logged)).toContain("connect ECONNREFUSED 127.0.0.1:3306");
  });
});
