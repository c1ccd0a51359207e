# `okk report`'s page (src/text/report.rs): headings, captions, column names, and what
# `okk report` says when done. Plain text: the report escapes all of it for HTML.

report-title = Funnel audit — { $funnel }
report-all-reviews = all current reviews
report-generated = As of { $at } · { $scope }
report-generated-reviews-after = As of { $at } · { $scope }, the latest made on { $latest }, after that day
report-kpi-cards = { $n ->
    [one] card in the funnel
   *[other] cards in the funnel
}
report-kpi-judged = { $n ->
    [one] card judged
   *[other] cards judged
} (from { $reviews } { $reviews_n ->
    [one] review
   *[other] reviews
})
report-kpi-not-ok = of the cards judged not ok
report-kpi-lying = { $n ->
    [one] card
   *[other] cards
} { $measured ->
    [yes] lying
   *[other] likely lying
}, of the { $open } open { $open_n ->
    [one] card
   *[other] cards
} at the stages with cards judged ({ $measured ->
    [yes] every one of them judged: a count, not an estimate
   *[other] each stage's share × its open cards; 95 % intervals summed
})
report-kpi-lying-none = cards likely lying: no card judged to estimate them from
report-kpi-lying-held = cards likely lying: not estimated until every stage with cards judged has at least { $min } judged among its flagged cards, and among those without flags, wherever either kind is judged ({ $needed } more to judge)
report-disputed = { $n ->
    [one] { $count } card whose auditors disagree on whether it is ok is left out until the lead decides.
   *[other] { $count } cards whose auditors disagree on whether they are ok are left out until the lead decides.
}
report-returned = { $n ->
    [one] { $count } review the lead sent back is left out until judged again.
   *[other] { $count } reviews the lead sent back are left out until judged again.
}
report-without-card = { $n ->
    [one] { $count } review of a card no longer in the store (okk db prune took it out) is left out of every figure.
   *[other] { $count } reviews of cards no longer in the store (okk db prune took them out) are left out of every figure.
}

report-funnel = The funnel
report-funnel-note = Cards at each stage now (red: the open cards likely lying) and the share of the cards judged there whose verdict is not ok (wrong stage, stale, dead or unclear): each card once, by the verdict that stands on it (the lead's where the lead decided).
report-cards-now = Cards now
report-not-ok = Cards judged not ok
report-no-reviews = no card judged

report-bottlenecks = Bottlenecks
report-bottlenecks-note = Where cards likely lie: the share of cards judged not ok times the open cards there now, with its 95 % interval (Wilson) in brackets: a few cards say little. The flagged cards and those without flags are estimated apart and added (the auditors' queues put flagged cards first, and flagged cards lie more): the flagged cards' share over the flagged open cards, the others' over the open cards without flags; open cards of a kind none of which was judged are left out of the figure. Stages and managers with fewer than 5 cards judged are not ranked. The likely cause is the checklist items failed most on those cards.
report-no-bottlenecks = None: no card judged is other than its stage says.
report-no-bottlenecks-in-window = None: no review in the window.
report-pairs = Managers at a stage

report-managers = Managers
report-managers-note = The cards' owners now, most likely lying cards first: their share of cards judged not ok times their open cards at the stages where a card of theirs was judged, with its 95 % interval (Wilson); managers with fewer than 5 cards judged are not ranked (listed last). Idle days: the median days since the last activity of their open cards.
report-not-ranked = not ranked: under 5 cards judged
report-unranked-stages = { $count } { $n ->
    [one] stage with cards not ok has
   *[other] stages with cards not ok have
} fewer than { $min } cards judged: not ranked.
report-unranked-pairs = { $count } { $n ->
    [one] manager at a stage with cards not ok has
   *[other] managers at a stage with cards not ok have
} fewer than { $min } cards judged: not ranked.
report-no-owner = (no owner)

report-trend = Trend by week
report-trend-note = Cards judged per ISO week (bars: each card in the week of the verdict that stands on it) and the share not ok (line).
report-no-trend = No reviews yet.
report-no-trend-in-window = No reviews in the window ({ $window }); current reviews in the store: { $count }, { $span }.

report-auditors = Auditors
report-auditors-note = Reviews (a card judged again counts once), pace (per hour: once an auditor has 5 reviews and 10 minutes on cards), and how the lead decided on them; reference: agreement with the lead on calibration cards.
report-no-auditors = No reviews yet.
report-auditors-not-windowed = All their reviews: the window of the figures above ({ $window }) does not apply to this table.

report-col-stage = Stage
report-col-manager = Manager
report-col-auditor = Auditor
report-col-cards = Cards
report-col-flagged = Flagged
report-col-reviews = Reviews
report-col-judged = Sample
report-col-open = Open cards
report-col-not-ok = Not ok
report-col-likely-lying = Likely lying
report-col-score = Score
report-col-idle-days = Idle days
report-col-fails-most = Fails most
report-col-where = Where
report-col-likely-cause = Likely cause
report-col-per-hour = Per hour
report-col-median-s = Median s
report-col-decided = Decided
report-col-accepted = Accepted
report-col-overridden = Overridden
report-col-returned = Returned
report-col-reference = Reference

report-share-of = { $share } of { $whole }
report-of = { $part } of { $whole } ({ $share })
report-week-axis = { $n ->
    [one] { $count } card
   *[other] { $count } cards
}
report-lying-of = { $lying } of { $cards } · { $share } not ok
report-wrote = okk: wrote the report to { $path }
