export * from "./api-limits";
export * from "./config";
export * from "./errors";
export * from "./grpc-client";
export * from "./grpc-handler";
export * from "./grpc-server";
export * from "./logger";
export * from "./shutdown";
