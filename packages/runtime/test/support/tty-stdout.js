// Preload (node --require) that makes stdout look like a terminal, as under
// `docker run -t`, while the test still reads it through a pipe.
Object.defineProperty(process.stdout, "isTTY", { value: true });
