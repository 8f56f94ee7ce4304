export * from "./databases";
export * from "./tcp-forwarder";
