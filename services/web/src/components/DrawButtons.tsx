export function DrawButtons(props: { busy: boolean; onDraw: (count: number) => void }) {
  return (
    <div className="actions">
      <button type="button" disabled={props.busy} onClick={() => props.onDraw(1)}>
        Draw
      </button>
      <button type="button" disabled={props.busy} onClick={() => props.onDraw(10)}>
        Draw 10
      </button>
      {/* submit: shows the signed-in user's inventory and history again */}
      <button type="submit" className="secondary" disabled={props.busy}>
        Refresh
      </button>
    </div>
  );
}
