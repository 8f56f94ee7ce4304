export * from "./databases";
