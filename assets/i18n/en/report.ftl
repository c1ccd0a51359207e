# `okk report`'s page (src/text/report.rs): headings, captions, column names, and what
# `okk report` says when done. Plain text: the report escapes all of it for HTML.

report-title = Funnel audit — { $funnel }
report-all-reviews = all current reviews
report-generated = As of { $at } · { $scope }
report-kpi-cards = cards in the funnel
report-kpi-reviews = reviews
report-kpi-not-ok = of reviews not ok
report-kpi-lying = cards likely lying (95 % intervals summed)
report-returned = { $n ->
   *[other] { $count } reviews
} the lead sent back are left out until judged again.

report-funnel = The funnel
report-funnel-note = Cards at each stage now (red: the share likely lying) and the share of the stage's reviews whose verdict is not ok (the lead's verdict where the lead overrode one).
report-cards-now = Cards now
report-not-ok = Reviews not ok
report-no-reviews = no reviews

report-bottlenecks = Bottlenecks
report-bottlenecks-note = Where cards likely lie: the share of reviews not ok times the cards there now, with its 95 % interval (Wilson) in brackets: a few reviews say little. Stages and managers with fewer than 5 reviews are not ranked. The likely cause is the checklist items failed most in those reviews.
report-no-bottlenecks = None: no review found a card that is not as its stage says.
report-pairs = Managers at a stage

report-managers = Managers
report-managers-note = The cards' owners now, most likely lying cards first; likely lying carries its 95 % interval (Wilson); managers with fewer than 5 reviews are not ranked (listed last). Idle days: the median days since the last activity of their open cards.
report-not-ranked = not ranked: under 5 reviews
report-unranked-stages = { $count } { $n ->
   *[other] stages
} with reviews not ok have fewer than { $min } reviews: not ranked.
report-unranked-pairs = { $count } { $n ->
   *[other] managers at a stage
} with reviews not ok have fewer than { $min } reviews: not ranked.
report-no-owner = (no owner)

report-trend = Trend by week
report-trend-note = Reviews per ISO week (bars) and the share not ok (line).
report-no-trend = No reviews yet.

report-auditors = Auditors
report-auditors-note = Reviews, pace, and how the lead decided on them; reference: agreement with the lead on calibration cards.
report-no-auditors = No reviews yet.

report-col-stage = Stage
report-col-manager = Manager
report-col-auditor = Auditor
report-col-cards = Cards
report-col-flagged = Flagged
report-col-reviews = Reviews
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
   *[other] { $count } reviews
}
report-lying-of = { $lying } of { $cards } · { $share } not ok
report-wrote = okk: wrote the report to { $path }
