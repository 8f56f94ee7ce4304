-- CreateTable
CREATE TABLE `draws` (
    `id` CHAR(36) NOT NULL,
    `user_id` BIGINT UNSIGNED NOT NULL,
    `count` TINYINT UNSIGNED NOT NULL,
    `idempotency_key` VARCHAR(255) NULL,
    `request_hash` CHAR(64) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `draws_idempotency_key_key`(`idempotency_key`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `histories` (
    `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    `draw_id` CHAR(36) NOT NULL,
    `item_index` TINYINT UNSIGNED NOT NULL,
    `user_id` BIGINT UNSIGNED NOT NULL,
    `item_id` INTEGER UNSIGNED NOT NULL,
    `item_name` VARCHAR(191) NOT NULL,
    `rarity` ENUM('N', 'R', 'SR', 'SSR') NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `histories_user_id_id_idx`(`user_id`, `id`),
    UNIQUE INDEX `histories_draw_id_item_index_key`(`draw_id`, `item_index`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `outbox` (
    `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    `draw_id` CHAR(36) NOT NULL,
    `item_index` TINYINT UNSIGNED NOT NULL,
    `user_id` BIGINT UNSIGNED NOT NULL,
    `item_id` INTEGER UNSIGNED NOT NULL,
    `item_name` VARCHAR(191) NOT NULL,
    `rarity` ENUM('N', 'R', 'SR', 'SSR') NOT NULL,
    `attempts` INTEGER UNSIGNED NOT NULL DEFAULT 0,
    `next_attempt_at` DATETIME(3) NOT NULL,
    `delivered_at` DATETIME(3) NULL,
    `last_error` VARCHAR(1024) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `outbox_delivered_at_next_attempt_at_idx`(`delivered_at`, `next_attempt_at`),
    UNIQUE INDEX `outbox_draw_id_item_index_key`(`draw_id`, `item_index`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `histories` ADD CONSTRAINT `histories_draw_id_fkey` FOREIGN KEY (`draw_id`) REFERENCES `draws`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
