import { useState } from "react";
import { DrawButtons } from "./components/DrawButtons";
import { DrawnItems } from "./components/DrawnItems";
import { ErrorAlert } from "./components/ErrorAlert";
import { HistoryList } from "./components/HistoryList";
import { InventoryTable } from "./components/InventoryTable";
import { UserIdField } from "./components/UserIdField";
import { useGacha } from "./use-gacha";

export function App() {
  const [userId, setUserId] = useState("1");
  const { state, drawItems, refresh, loadMore } = useGacha(userId);
  return (
    <main aria-busy={state.busy}>
      <h1>Gacha</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void refresh();
        }}
      >
        <UserIdField value={userId} onChange={setUserId} />
        <DrawButtons busy={state.busy} onDraw={(count) => void drawItems(count)} />
      </form>
      <ErrorAlert message={state.error} />
      <DrawnItems items={state.drawn} />
      <InventoryTable items={state.inventory} />
      <HistoryList history={state.history} busy={state.busy} onLoadMore={() => void loadMore()} />
    </main>
  );
}
