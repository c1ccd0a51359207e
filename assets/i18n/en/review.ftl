# `okk review`, `okk keys` and bare `okk` (src/text/review.rs).

review-no-cards = okk: the store { $db } has no cards yet.
    {"  "}okk demo           try the reviewer on demo data
    {"  "}okk import FILE    import a CRM export, then run okk again
    {"  "}okk sync           or pull the deals over the CRM's API (connect it first: okk crm add --help)
    {"  "}okk --help         all commands
review-needs-terminal = the reviewer needs a terminal (stdin and stdout): run it in a terminal window, or use `okk queue`, `okk check` and `okk stats` in scripts
