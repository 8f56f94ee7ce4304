// The page's state and the API calls that change it; components only render it.
import { useCallback, useState } from "react";
import { draw, getHistories, getInventory, toUserId } from "./api";
import type { DrawnItem, HistoryEntry, InventoryItem } from "./types";

export interface History {
  /** whose history this is: "Load more" continues it even if the field changed since */
  userId: number | string;
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

export function useGacha(userIdText: string) {
  const [state, setState] = useState<GachaState>(initial);

  /** Runs one user action: busy while it runs, its failure's message in `error`. */
  const act = useCallback(async (action: () => Promise<Partial<GachaState>>) => {
    setState((s) => ({ ...s, busy: true, error: null }));
    try {
      const changes = await action();
      setState((s) => ({ ...s, ...changes, busy: false }));
    } catch (err) {
      setState((s) => ({ ...s, busy: false, error: err instanceof Error ? err.message : String(err) }));
    }
  }, []);

  const loadUser = async (userId: number | string) => {
    const [inventory, page] = await Promise.all([getInventory(userId), getHistories(userId)]);
    return {
      inventory: inventory.items,
      history: { userId, entries: page.histories, nextCursor: page.next_cursor },
    };
  };

  const drawItems = (count: number) =>
    act(async () => {
      const userId = toUserId(userIdText);
      const result = await draw(userId, count);
      return { drawn: result.items, ...(await loadUser(userId)) };
    });

  const refresh = () => act(() => loadUser(toUserId(userIdText)));

  const loadMore = () =>
    act(async () => {
      const history = state.history;
      if (!history?.nextCursor) return {};
      const page = await getHistories(history.userId, history.nextCursor);
      return {
        history: { ...history, entries: [...history.entries, ...page.histories], nextCursor: page.next_cursor },
      };
    });

  return { state, drawItems, refresh, loadMore };
}
