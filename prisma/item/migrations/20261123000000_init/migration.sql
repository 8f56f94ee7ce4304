-- CreateTable
CREATE TABLE `grants` (
    `draw_id` CHAR(36) NOT NULL,
    `item_index` TINYINT UNSIGNED NOT NULL,
    `user_id` BIGINT UNSIGNED NOT NULL,
    `item_id` INTEGER UNSIGNED NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`draw_id`, `item_index`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `inventories` (
    `user_id` BIGINT UNSIGNED NOT NULL,
    `item_id` INTEGER UNSIGNED NOT NULL,
    `item_name` VARCHAR(191) NOT NULL,
    `rarity` ENUM('N', 'R', 'SR', 'SSR') NOT NULL,
    `count` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`user_id`, `item_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
