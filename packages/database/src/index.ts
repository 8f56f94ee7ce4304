// filled by the database split (see packages/migrate)
