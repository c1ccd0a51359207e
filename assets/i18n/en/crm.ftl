# Messages of the CRM connections and `okk sync`: config errors, what the CRM answered, and the
# sync report (src/text/crm.rs).

crm-bad-name = a connection needs a name (the source its cards get), e.g. name = "main"
crm-duplicate-name = a connection named «{ $name }» is already defined above
crm-bad-kind = unknown CRM kind «{ $kind }»; use one of: amocrm, kommo, bitrix24
crm-bad-url = expected the account's address, e.g. url = "https://example.amocrm.ru" (Bitrix24: the incoming webhook, https://portal.bitrix24.ru/rest/1/CODE/)
crm-https-required = the address must use https (plain http only for this machine: 127.0.0.1, localhost, [::1])
crm-https-instead = the address must use https: `--url { $url }` (plain http only for this machine: 127.0.0.1, localhost, [::1])
crm-two-tokens = give token_env or token_file, not both
crm-bad-token-env = token_env names an environment variable, e.g. token_env = "OKK_AMOCRM_TOKEN"
crm-no-webhook-secret = a Bitrix24 connection without a token needs the incoming webhook's address, https://PORTAL/rest/USER/CODE/
crm-no-token = connection «{ $name }» needs token_env = "VARIABLE" or token_file = "PATH" (mode 0600)
crm-token-env-unset = connection «{ $name }»: the environment variable { $var } that holds its token is not set or empty; set it where okk runs (`export { $var }=TOKEN`), or put that line in your shell profile (~/.bashrc, ~/.zshrc) to have it in every terminal
crm-token-file-unreadable = connection «{ $name }»: cannot read the token file { $path }: { $error }
crm-token-file-missing = connection «{ $name }»: cannot read the token file { $path }: there is no such file; create it with the token alone in it, then run `chmod 600 { $shell_path }`
crm-token-file-open = connection «{ $name }»: the token file { $path } can be read by others (mode { $mode }); run `chmod 600 { $shell_path }`
crm-token-file-empty = connection «{ $name }»: the token file { $path } is empty; put the token in it
crm-unknown-connection-none = no CRM connection named «{ $name }»: the config file has none; add one with `okk crm add`
crm-unknown-connection = no CRM connection named «{ $name }»; the config file has: { $known }
crm-no-connections = the config file { $config } has no [[crm]] connections; add one with `okk{ $flag } crm add NAME --kind amocrm --url https://example.amocrm.ru --token-env OKK_AMOCRM_TOKEN`
crm-no-config = the config file { $config } (named by --config or OKK_CONFIG) does not exist; check the path, or add a connection, which writes the file: `okk{ $flag } crm add NAME --kind amocrm --url https://example.amocrm.ru --token-env OKK_AMOCRM_TOKEN`
crm-list-none = no CRM connections yet in { $config }; add one with `okk{ $flag } crm add NAME --kind amocrm --url https://example.amocrm.ru --token-env OKK_AMOCRM_TOKEN` (Bitrix24: --kind bitrix24 --url with the incoming webhook's address)
crm-add-needs = okk crm add needs { $flag }
crm-add-flag = { $flag }: { $message }
crm-add-bad-url = --url expects the account's address, e.g. --url https://example.amocrm.ru (Bitrix24: the incoming webhook, https://portal.bitrix24.ru/rest/1/CODE/)
crm-add-bad-webhook = --url of a Bitrix24 connection is its incoming webhook, https://PORTAL/rest/USER/CODE/ (Bitrix24: Developer resources → Other → Incoming webhook, with the crm and user scopes)
crm-add-two-tokens = give --token-env or --token-file, not both
crm-add-bad-token-env = --token-env names an environment variable, e.g. --token-env OKK_AMOCRM_TOKEN
crm-add-no-token = an amoCRM or Kommo connection needs --token-env VARIABLE or --token-file PATH (mode 0600)
crm-add-bad-name = NAME (the source its cards get) may not be empty or hold control characters
crm-add-duplicate = { $config } has a connection named «{ $name }» already; choose another NAME
crm-same-account = okk: { $place }: connection «{ $name }» reads the same account as «{ $first }» (line { $line }, { $account }) and the same pipelines: every deal they share is synced twice, as two cards under two sources; remove one of the two [[crm]] tables, or give each pipelines of its own
crm-add-same-account = «{ $name }» would read the same account as «{ $first }» ({ $account }) and the same pipelines: every deal they share would be synced twice, as two cards under two sources; sync «{ $first }» instead, or give the two pipelines apart (--pipeline here, pipelines = […] in «{ $first }»'s table)
crm-add-cut = kept { $url }: the rest of the address given ({ $dropped }) is not needed
crm-added = added connection «{ $name }» to { $config }; try it with `{ $command }`
crm-remove-unknown = { $config } has no connection named «{ $name }»{ $count ->
    [0] {""}
   *[other] ; it has { $names }
}
crm-removed = removed connection «{ $name }» from { $config }; the cards it synced stay in the store (added again under the same name, it goes on from its last sync)
crm-list-token-warning = okk: warning: { $problem }; until then its sync stops before the first request
crm-add-token-warning = okk: warning: { $problem }. The connection is written all the same: okk reads the token at each sync
crm-column-name = name
crm-column-kind = kind
crm-column-url = url
crm-column-token = token
crm-column-pipelines = pipelines
crm-column-last-sync = last sync
crm-column-last-full-sweep = last full sweep
crm-token-env = env { $var }
crm-token-file = file { $path }
crm-token-in-url = in the webhook address
crm-never = never
crm-all-pipelines = all
crm-refused-how-amocrm = make a new long-lived token in the CRM (Settings → Integrations → your private integration → Keys and scopes → Generate long-lived token) and put it where the connection's token_env or token_file says
crm-refused-how-bitrix24 = make a new incoming webhook in Bitrix24 (Developer resources → Other → Incoming webhook, with the crm and user scopes) and put its address in the connection's url
crm-refused = { $name }: the token was refused by { $url } ({ $detail }): { $how }.
crm-refused-webhook = { $name }: { $url } refused the webhook ({ $detail }): { $how }.
crm-refused-nothing-changed = Nothing was changed.
crm-add-webhook-no-token = a Bitrix24 webhook carries its secret in its address (--url), so { $flag } is not used; leave it out
crm-forbidden = { $name }: the CRM refused to show { $what } (403: { $detail }). { $how }
crm-forbidden-how-amocrm = Use the long-lived token of an admin, or of a user with rights to the deals and the events; if the account takes API requests only from the IP addresses on its allow-list, add this machine's address to it; if the address was blocked for going over the request limit, wait an hour and try again
crm-forbidden-how-bitrix24 = Give the webhook the crm scope, made by a user who may see the deals (Bitrix24: Developer resources → Other → Incoming webhook); if the portal takes requests only from the IP addresses on its allow-list, add this machine's address to it; if the address was blocked for going over the request limit, wait an hour and try again
crm-http-status = { $name }: the CRM answered { $status } when asked for { $what }: { $detail }
crm-network = { $name }: cannot reach { $url } after { $tries } tries: { $detail }
crm-network-kept = Pages read so far are kept; run `{ $command }` again to go on from there.
crm-net-refused = the connection was refused (nothing accepts connections at that address)
crm-net-not-resolved = the server's name was not found (check the address and the network)
crm-net-timed-out = the server did not answer in time
crm-net-setup-timed-out = the connection was not set up in time (a firewall dropping it, or the server is down)
crm-net-setup-timed-out-https = the secure connection (https) was not set up in time: the server is down, a firewall drops the connection, or the address does not serve https (check the port; `http://` is for this machine only)
crm-net-tls = the secure connection (TLS) could not be set up ({ $detail })
crm-gave-up = { $name }: the CRM still answered { $status } (too many requests) after { $tries } tries
crm-gave-up-kept = pages read so far are kept; run `{ $command }` again later
crm-network-check-address = Nothing was read: check the connection's address (`{ $list }`) and try it with `{ $command }`.
crm-network-nothing-read = Nothing was read; run `{ $command }` again when the CRM answers.
crm-gave-up-nothing-read = nothing was read; run `{ $command }` again later
crm-bad-body = { $name }: the CRM's answer to { $what } is not what its API documents: { $detail }
crm-sync-under-way = { $name }: another okk is syncing this connection into the same store; try again when it ends
crm-sync-lock-failed = { $name }: cannot take the sync lock beside the store: { $error }
crm-interrupted = interrupted; what landed is kept; run { $command } again to resume
crm-server-silent = { $name }: no answer from the server { $url } (the link to it hangs or was cut); what landed is kept: once the server answers, run { $command } again to resume
crm-interrupted-sweep = interrupted; what landed is kept; run { $command } again to resume: it finishes the full sweep under way
crm-users-forbidden = the token may not read the users list (an admin's token can): owners are shown by their CRM id
crm-users-forbidden-webhook = the webhook may not read the users list (it lacks the user scope: add it to the webhook in Bitrix24, Developer resources → Other → Incoming webhook): owners are shown by their Bitrix24 id
crm-comments-unread = the comments of deal { $deal } could not be read ({ $error }): its notes are kept as they were
crm-unknown-pipeline = { $name }: the CRM has no pipeline «{ $pipeline }» (the connection's pipelines list names it); its pipelines are { $known }: correct the name in pipelines = […] of the connection's [[crm]] table
crm-test-ok = { $name }: the token works: account { $account }, user { $user }
crm-test-ok-webhook = { $name }: the webhook works: portal { $account }, user { $user }
crm-test-cannot-sync = { $name }: okk sync reads { $what }, which this connection may not read. { $how }
crm-resource-deals = deals
crm-resource-pipelines = pipelines
crm-resource-users = users
crm-resource-events = events
crm-resource-stages = pipelines and stages
crm-resource-stage-history = stage history
crm-resource-comments = comments
crm-resource-activities = open activities (the nearest task)
crm-can-read = can read
crm-cannot-read = cannot read
crm-report = { $connection }: { $rows ->
    [one] { $rows } deal read
   *[other] { $rows } deals read
}{ $dry_run }
crm-report-nothing-changed = nothing changed
crm-report-address = { $kind }, { $url }
crm-report-new = new: { $count }
crm-report-changed = changed: { $count } (moved to another stage: { $moved })
crm-report-renamed-cards = of them at a renamed stage: { $count } (not moved)
crm-report-unchanged = unchanged: { $count }
crm-report-notes-changed = changed by their notes alone (their deals not read): { $count }
crm-report-not-carried = required, no such field in the CRM (not flagged): { $field }
crm-report-new-field = new field (no import or sync had it before): { $field }
crm-report-new-field-cards = { $cards ->
    [one] { $cards } card took
   *[other] { $cards } cards took
} a value from the new fields (not a change of the card)
crm-report-missing-field = field no longer given (the cards keep it): { $field }
crm-report-gone = gone from the CRM: { $count }
crm-report-gone-unchecked = gone from the CRM: not checked (Bitrix24 does not list the deals gone from it)
crm-report-requests = requests: { $requests }, retries: { $retries }
crm-report-dry-run = dry run: nothing written
crm-report-since = since { $since }
crm-report-until = changes read up to { $until }{ $since }
crm-report-sweep-finished = finished the full sweep begun at { $at }
crm-report-resumed = continues an interrupted sync begun at { $at }
crm-report-resumed-landed = before it stopped, that sync had landed: { $inserted } new, { $updated } changed, { $gone } gone
crm-report-resumed-total = the sync in all: { $inserted } new, { $updated } changed, { $gone } gone
crm-report-reread = every deal read again, once: an older okk wrote some values otherwise
crm-report-reread-renamed = every deal read again, once: a stage or pipeline was renamed in the CRM
crm-pipeline-filter-renamed = the CRM renamed the pipeline «{ $from }» to «{ $to }», which the connection's `pipelines` names: read under its new name; write «{ $to }» there in the config
crm-report-pipeline-renamed = pipeline renamed in the CRM: «{ $from }» → «{ $to }»
crm-report-pipeline-renamed-cards = its cards take the new name: none changed for it, their reviews stand
crm-report-funnel-old-pipeline = the funnel's stage «{ $stage }» names it by its old name: write the new one there
crm-report-stage-renamed = stage renamed in the CRM: «{ $from }» → «{ $to }» («{ $pipeline }»)
crm-report-stage-renamed-cards = its cards take the new name: none moved, their reviews stand
crm-report-stage-renamed-alias = add «{ $to }» to the aliases of «{ $stage }» in the funnel
crm-report-full-sweep = last full sweep: { $at }
crm-report-find-gone = to find the deals gone from the CRM, run `{ $command }`
crm-report-unknown-stage = stage not in the funnel: { $stage } ({ $cards ->
    [one] { $cards } card
   *[other] { $cards } cards
} of «{ $source }»)
crm-report-unknown-stage-read = stage not in the funnel: { $stage } (no card of «{ $source }» there; { $read ->
    [one] { $read } deal read
   *[other] { $read } deals read
})
crm-report-warnings = { $count } warnings
crm-report-warning = warning: { $warning }
crm-deal = deal { $id }
crm-sync-opening = { $name }: asking the CRM for its pipelines, users and fields{ $retries }
crm-sync-progress = { $name }: { $reading }, { $pages }, { $requests }{ $retries }
crm-sync-reading-notes = notes: { $count } read
crm-sync-reading-deals = deals: { $count } read
crm-sync-reading-moves = stage moves and deletions: { $count } read
crm-sync-pages = { $count ->
    [one] { $count } page
   *[other] { $count } pages
}
crm-sync-requests = { $count ->
    [one] { $count } request
   *[other] { $count } requests
}
crm-sync-retries = { $count ->
    [one] { $count } retry
   *[other] { $count } retries
}
crm-deal-warning = deal { $line }: { $column }: { $message }
crm-pipeline-without-id = a pipeline without an id
crm-stage-without-id = a stage without an id
crm-deal-without-id-or-time = a deal without id or updated_at
crm-deal-without-id = a deal without an ID
crm-twin-config-file = the config file
crm-twin-source = { $name }: the store already holds these deals, from exports under the source «{ $source }» ({ $matched } of the first { $read } deals read match by id and title): this first sync would bring each in again as a second card, the reviews left on the old ones. No card was written. To go on with those cards and their reviews, name the connection after them: in { $file } change name = { $old } to name = { $new }, then run `{ $same }`. If this is another account: `{ $apart }`.
crm-add-file-sources = the store holds { $cards } cards from { $kind } exports under the source «{ $source }»{ $more ->
    [0] {""}
   *[other] {" "}(and { $more } more sources)
}: if «{ $name }» is the same account, name the connection «{ $source }» instead, so that its first sync goes on with those cards and their reviews (else `okk sync` stops and says so)
