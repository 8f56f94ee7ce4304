// The page's state and the API calls that change it; components only render it.
import { useCallback, useState } from "react";
import { ApiError } from "./api-error";
import { draw, getHistories, getInventory } from "./api";
import type { Session } from "./session";
import type { DrawnItem, HistoryEntry, InventoryItem } from "./types";

export interface History {
  entries: HistoryEntry[];
  nextCursor: string | null;
}

export interface GachaState {
  drawn: DrawnItem[] | null;
  inventory: InventoryItem[] | null;
  history: History | null;
  error: string | null;
  busy: boolean;
}

const initial: GachaState = { drawn: null, inventory: null, history: null, error: null, busy: false };

/** The signed-in user's gacha; a 401 (the token expired) calls onExpired, which signs out. */
export function useGacha(session: Session, onExpired: (message: string) => void) {
  const [state, setState] = useState<GachaState>(initial);

  /** Runs one user action: busy while it runs, its failure's message in `error`. */
  const act = useCallback(
    async (action: () => Promise<Partial<GachaState>>) => {
      setState((s) => ({ ...s, busy: true, error: null }));
      try {
        const changes = await action();
        setState((s) => ({ ...s, ...changes, busy: false }));
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return onExpired("Your session has ended: sign in again.");
        setState((s) => ({ ...s, busy: false, error: err instanceof Error ? err.message : String(err) }));
      }
    },
    [onExpired],
  );

  const loadUser = async () => {
    const [inventory, page] = await Promise.all([getInventory(session), getHistories(session)]);
    return { inventory: inventory.items, history: { entries: page.histories, nextCursor: page.next_cursor } };
  };

  const drawItems = (count: number) =>
    act(async () => {
      const result = await draw(session, count);
      return { drawn: result.items, ...(await loadUser()) };
    });

  const refresh = () => act(loadUser);

  const loadMore = () =>
    act(async () => {
      const history = state.history;
      if (!history?.nextCursor) return {};
      const page = await getHistories(session, history.nextCursor);
      return { history: { entries: [...history.entries, ...page.histories], nextCursor: page.next_cursor } };
    });

  return { state, drawItems, refresh, loadMore };
}
