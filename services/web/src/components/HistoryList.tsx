import type { History } from "../use-gacha";
import { RarityBadge } from "./RarityBadge";

export function HistoryList(props: { history: History | null; busy: boolean; onLoadMore: () => void }) {
  const { history } = props;
  if (history === null) return null;
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {history.entries.length === 0 ? (
        <p className="empty">No draws yet.</p>
      ) : (
        <ol className="history" aria-labelledby="history-heading">
          {history.entries.map((h, i) => (
            <li key={`${h.draw_id}-${i}`}>
              <span className="name">{h.item_name}</span> <RarityBadge rarity={h.rarity} />{" "}
              <time dateTime={h.created_at}>{new Date(h.created_at).toLocaleString()}</time>
            </li>
          ))}
        </ol>
      )}
      {history.nextCursor !== null && (
        <button type="button" disabled={props.busy} onClick={props.onLoadMore}>
          Load more
        </button>
      )}
    </section>
  );
}
