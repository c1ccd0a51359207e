# Messages of `okk check` and `okk queue` (src/text/check.rs).

check-unknown-rule = unknown rule «{ $code }»; use one of: { $codes }
check-unknown-stage = no stage «{ $name }» in the funnel or the store; the funnel's stages are: { $stages }
check-removed-alias = «{ $name }» was another name of «{ $stage }», which funnel version { $version } removed: { $about }
check-stage-reviews-only = no card is at «{ $name }» now: the funnel does not list it and no card in the store is there; { $count } { $count_n ->
    [one] review was
   *[other] reviews were
} made there (`okk stats` counts { $count_n ->
    [one] it
   *[other] them
}, `okk lead` and `okk export` show { $count_n ->
    [one] it
   *[other] them
}); the funnel's stages are: { $stages }
check-unknown-stage-store = the store also has cards at stages the funnel does not know: { $stages }
check-total = { $n ->
    [one] { $n } flagged card
   *[other] { $n } flagged cards
}
check-queue = Queue of «{ $stage }» for { $auditor } ({ $count ->
    [one] { $count } card shown
   *[other] { $count } cards shown
})
check-queue-released-stage = { $count ->
    [0] { $auditor } held no card of «{ $stage }»: nothing to give back
    [one] { $count } card of «{ $stage }» { $auditor } held is back in the shared queue
   *[other] { $count } cards of «{ $stage }» { $auditor } held are back in the shared queue
}
check-queue-released-all = { $count ->
    [0] { $auditor } held no card: nothing to give back
    [one] { $count } card { $auditor } held is back in the shared queue
   *[other] { $count } cards { $auditor } held (on every stage) are back in the shared queue
}
check-idle-days = { $days } d
check-flags-not-refreshed = okk: another okk is writing to the store; flags are shown as the last run left them
check-flags-read-only = okk: the store is read-only here (okk may not write in its folder), so the rules cannot judge the cards again: the flags are shown as their last run left them, for another day or funnel
check-flags-of-another-day = okk: the server's flags were judged for another day or funnel and are shown as they are; a lead's okk check (or the next import) judges them again
check-old-export = note: the newest activity of any card is { $newest }, { $days } days before the day judged ({ $judged }); if the export is that old, judge it as of its day: --today { $today }
check-reattached = note: { $count } reviewed { $count ->
    [one] card
   *[other] cards
} changed only in the name of their stage, which the funnel has as an alias now: the cards their reviews saw again (no longer changed since review)
check-activity-after-day = note: some cards have activity after the day judged ({ $judged }), the newest on { $newest }; they count 0 idle days; to judge the export as of its own day: --today { $today }
check-severity-info = info
check-severity-warning = warning
check-severity-critical = critical
check-rule-required = required
check-rule-idle = idle
check-rule-date = date
check-rule-markers = markers
check-rule-closed-open = closed_open
check-rule-backwards = backwards
check-rule-gone = gone
check-rule-unknown-stage = unknown_stage
check-rule-no-task = no_task
