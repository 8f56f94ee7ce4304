import type { InventoryItem } from "../types";
import { RarityBadge } from "./RarityBadge";

export function InventoryTable({ items }: { items: InventoryItem[] | null }) {
  if (items === null) return null;
  const total = items.reduce((sum, item) => sum + item.count, 0);
  return (
    <table>
      <caption>Inventory</caption>
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col">Rarity</th>
          <th scope="col">Count</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={item.item_id}>
            <th scope="row">{item.item_name}</th>
            <td>
              <RarityBadge rarity={item.rarity} />
            </td>
            <td className="count">{item.count}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          <td />
          <td className="count">{total}</td>
        </tr>
      </tfoot>
    </table>
  );
}
