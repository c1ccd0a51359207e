# Messages about the store, whatever its backend (src/text/store.rs).

store-newer-schema = { $path }: this database was written by a newer okk (schema { $found }; this okk knows up to { $known }). It was not touched. Upgrade okk, or pass --db with another file.
store-not-okk = { $path }: this file is not an okk database. It was not touched. Pass --db with another file.
store-cannot-open = { $path }: cannot open the database: { $error }
store-busy = the database is busy: another okk is writing to it (an import?); try again when it has finished
store-failed = database error: { $error }
store-not-empty = { $path }: cannot open the database: the server store already holds cards or reviews
store-refused-decision = refused: only a lead decides on reviews, and this connection's PostgreSQL role is an auditor's (okk db roles maps roles)
store-refused-review = refused: an auditor writes and withdraws reviews in their own name only; this review is another auditor's
store-refused-funnel = refused: only a lead changes the store's funnel (okk funnel apply), and this connection's PostgreSQL role is an auditor's
store-refused = refused: this connection's PostgreSQL role may not write { $table } (okk db roles says who may do what)
