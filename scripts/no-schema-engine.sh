#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded on
# offline machines. `prisma generate` never runs it; Prisma only checks that it
# exists. Migrations are applied by @gacha/migrate instead.
echo "prisma schema engine not available offline; use npm run migrate" >&2
exit 1
