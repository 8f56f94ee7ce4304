import type { Rarity } from "../types";

// The rarity is written out (N/R/SR/SSR) and SR/SSR add a star: the colour is
// a second cue, never the only one.
const STARS: Record<Rarity, string> = { N: "", R: "", SR: "★", SSR: "★★" };

export function RarityBadge({ rarity }: { rarity: Rarity }) {
  return (
    <span className={`rarity rarity-${rarity.toLowerCase()}`} title={`Rarity ${rarity}`}>
      {STARS[rarity] && <span aria-hidden="true">{STARS[rarity]} </span>}
      {rarity}
    </span>
  );
}
