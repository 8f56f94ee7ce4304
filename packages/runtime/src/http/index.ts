// The HTTP services' shared plumbing (gateway, auth): one error policy, one
// request log, listen/drain on SIGTERM, 405s. Express is only a type here.
export * from "./draining";
export * from "./http-errors";
export * from "./listen";
export * from "./method-not-allowed";
export * from "./parse-body";
export * from "./request-log";
