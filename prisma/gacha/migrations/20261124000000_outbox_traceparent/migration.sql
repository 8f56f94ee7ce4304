-- The W3C traceparent of the draw that wrote the row (NULL with tracing off), so a delivery
-- by the relay, later and in a trace of its own, links back to the draw's span.
-- AlterTable
ALTER TABLE `outbox` ADD COLUMN `traceparent` VARCHAR(55) NULL;
