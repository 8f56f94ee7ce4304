// The restart inside one save, from timed log lines (the container's, npm run dev's, or those
// skaffold dev streams from the pod): nodemon's restart line, then the new process's listen line.
export interface TimedLine {
  t: number;
  line: string;
}

const LISTEN = /gRPC server listening|gateway listening/;

/** ms from t0 to nodemon's "restarting due to changes" and to the next listen line after it. */
export function restartPhases(lines: TimedLine[], t0: number): { detect?: number; listening?: number } {
  const restart = lines.find((l) => l.line.includes("restarting due to changes"));
  const listen = lines.find((l) => LISTEN.test(l.line) && (!restart || l.t >= restart.t));
  return { detect: restart ? restart.t - t0 : undefined, listening: listen ? listen.t - t0 : undefined };
}
