import type { DrawnItem } from "../types";
import { RarityBadge } from "./RarityBadge";

export function DrawnItems({ items }: { items: DrawnItem[] | null }) {
  return (
    <section aria-labelledby="drawn-heading">
      <h2 id="drawn-heading">Drawn items</h2>
      {items === null ? (
        <p className="empty">Nothing drawn yet.</p>
      ) : (
        <ul className="drawn" aria-labelledby="drawn-heading">
          {items.map((item, i) => (
            <li key={i} className={`card card-${item.rarity.toLowerCase()}`}>
              <span className="name">{item.item_name}</span> <RarityBadge rarity={item.rarity} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
