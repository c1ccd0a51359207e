# Messages about the store, whatever its backend (src/text/store.rs).

store-newer-schema = { $path }: this database was written by a newer okk (schema { $found }; this okk knows up to { $known }). It was not touched. Upgrade okk, or pass --db with another file.
store-not-okk = { $path }: this file is not an okk database. It was not touched. Pass --db with another file.
store-cannot-open = { $path }: cannot open the database: { $error }
store-open-hint-refused = Nothing answers at that host and port: is the PostgreSQL server running there, and is the port in the URL its port (5432 unless set otherwise)?
store-open-hint-host = The host in the URL is not known: check its spelling (and that an @ in the password is written %40).
store-open-hint-database = The server has no database «{ $name }»: check the name at the URL's end, or have it made (createdb { $name }).
store-open-hint-role = The server knows no login «{ $name }»: check the user in the URL, or have the role made (createuser).
store-open-hint-password = The server refused the password for that login: check it (an @, : or / in it written %40, %3A, %2F).
store-open-hint-tls = The server does not take TLS: leave sslmode=require out of the URL, or turn ssl on in the server's configuration.
store-open-hint-url = The URL cannot be read: write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE, with only the parameters okk takes (sslmode=require, sslrootcert=FILE).
store-open-hint-not-postgres = Something at that host and port took the connection and hung up without answering as PostgreSQL: check the host and the port in the URL (5432 unless set otherwise), and whether a firewall or a proxy stands between (ask whoever runs the server).
store-open-hint-timed-out = No answer from that host within the time allowed (10 seconds unless the URL sets connect_timeout=SECONDS): check the host in the URL, and whether this network reaches it (a VPN, a firewall).
store-busy = the database is busy: another okk is writing to it (an import?); try again when it has finished
store-failed = database error: { $error }
store-not-empty = { $path }: the server store already holds cards or reviews, and okk db copy goes only into an empty one: copy into a new database (createdb --owner LOGIN NAME), or bring the laptop's work over in a bundle (okk bundle export on the laptop, okk bundle import on the server)
store-refused-decision = refused: only a lead decides on reviews, and this connection's PostgreSQL role is an auditor's (okk db roles maps roles)
store-refused-review = refused: this connection writes and withdraws reviews in its own okk user's name only, and this review is another's (a bundle of other auditors' reviews is merged by the database's owner)
store-refused-funnel = refused: only a lead changes the store's funnel (okk funnel apply), and this connection's PostgreSQL role is an auditor's
store-decided = the lead { $lead } has already { $decision ->
    [accept] accepted
    [override] overridden
    [return] sent back
   *[other] decided on
} this verdict: it is not undone, the lead's decision stands; to change the verdict, judge the card again: the lead sees the new one
store-card-gone = card #{ $card } is no longer in the store (okk db prune took it out): nothing was written to it
store-card-gone-unnamed = the card is no longer in the store (okk db prune took it out): nothing was written to it
store-card-changed = card #{ $card } changed in the store since it was read (an import or a sync wrote it): nothing was written; look at the card again
store-refused = refused: this connection's PostgreSQL role may not read or change { $table }: is its login mapped to an okk user? (the database's owner maps logins with okk db roles)
store-refused-setup = refused: this connection's PostgreSQL role may not set up or change this database; only its owner does (okk db copy, okk db roles)
store-role-right-create = refused: { $login }, the database's owner, may not create PostgreSQL roles (here { $role }), and okk db roles makes the groups okk_auditor and okk_lead and each login it names. A superuser gives it that right: ALTER ROLE { $login } CREATEROLE; or makes the roles beforehand (okk_auditor and okk_lead NOLOGIN, each login) and lets it grant the groups: GRANT okk_auditor, okk_lead TO { $login } WITH ADMIN OPTION
store-role-right-grant = refused: { $login }, the database's owner, may not grant the role { $role }, and okk db roles grants okk_auditor or okk_lead to each login it names. A superuser lets it: GRANT okk_auditor, okk_lead TO { $login } WITH ADMIN OPTION (before PostgreSQL 16, ALTER ROLE { $login } CREATEROLE does too)
store-read-only-here = cannot write to the store: okk may not write in its folder (or to the file), where SQLite keeps its journal; it can be read, not changed. Make the folder and the file writable for this user, or copy the store to a folder that is
store-read-only-write = { $path }: cannot write to the store: okk may not write in its folder { $folder } (or to the file), and SQLite writes its journal there; it can be read, not changed. Make the folder and the file writable for this user, or copy the store to a folder that is
store-read-only-upgrade = { $path }: this store needs an upgrade to this okk's schema, which writes to it, and okk may not write in its folder { $folder } (or to the file). Make the folder and the file writable for this user, or copy the store to a folder that is
store-read-only-log = { $path }: cannot read the store: its write-ahead log ({ $path }-wal) holds changes not yet in the file, and SQLite reads them only with an index file it must create in the folder { $folder }, where okk may not write. Make the folder writable for this user (or let the okk that wrote it finish)
store-read-only-create = { $path }: cannot create the store: okk may not write in the folder { $folder }. Make it writable for this user, or pass --db with a file in a folder that is
store-driver-connect = error connecting to server
store-driver-io = error communicating with the server
store-driver-tls = error performing TLS handshake
store-driver-auth = authentication error
store-driver-timeout = timeout waiting for server
store-driver-closed = connection closed
store-driver-config = invalid connection string
store-driver-cut = the connection was cut off in the middle of a reply
store-driver-timed-out = connection timed out
store-unreachable = no connection to the server
