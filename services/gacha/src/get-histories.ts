import { HISTORY_PAGE_LIMIT, invalidArgument, validateUserId } from "@gacha/runtime";
import type { gachaV1 } from "@gacha/proto";
import { decodeCursor, encodeCursor } from "./cursor";
import type { HistoryRepository } from "./history-repository";
import { toWireItem } from "./rarity";

/** GetHistories: one page of a user's draws, newest first, with an opaque cursor to the next. */
export async function getHistories(
  repo: HistoryRepository,
  req: gachaV1.GetHistoriesRequest,
): Promise<gachaV1.GetHistoriesResponse> {
  const userId = validateUserId(req.userId);
  const limit = req.limit === 0 ? HISTORY_PAGE_LIMIT.default : req.limit;
  if (limit < HISTORY_PAGE_LIMIT.min || limit > HISTORY_PAGE_LIMIT.max) {
    throw invalidArgument(`limit must be between ${HISTORY_PAGE_LIMIT.min} and ${HISTORY_PAGE_LIMIT.max}`);
  }
  const beforeId = req.cursor ? decodeCursor(req.cursor) : undefined;
  // One row more than asked tells whether another page exists without a COUNT.
  const rows = await repo.listHistories(userId, beforeId, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    histories: page.map((r) => ({ drawId: r.drawId, item: toWireItem(r), createdAt: r.createdAt })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.id) : "",
  };
}
