// The gateway's JSON shapes (README.md, "HTTP API").
export type Rarity = "N" | "R" | "SR" | "SSR";

export interface DrawnItem {
  item_id: number;
  item_name: string;
  rarity: Rarity;
}

export interface DrawResult {
  draw_id: string;
  items: DrawnItem[];
}

export interface HistoryEntry extends DrawnItem {
  draw_id: string;
  created_at: string;
}

export interface HistoryPage {
  histories: HistoryEntry[];
  next_cursor: string | null;
}

export interface InventoryItem extends DrawnItem {
  count: number;
}

export interface Inventory {
  items: InventoryItem[];
}
