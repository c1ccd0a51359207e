# `okk stats` as text (src/text/analytics.rs): the stage table, the stage that lies most and why,
# managers, bottlenecks, the weekly trend. Column names are short: they head aligned columns.

analytics-lying-note = Lying: estimated cards that likely lie (share not ok × cards there), with its 95 % interval (Wilson) in brackets; groups with fewer than 5 reviews are not ranked.
analytics-window-since = reviews from { $since }
analytics-window-until = reviews up to { $until }
analytics-window-between = reviews from { $since } to { $until }
analytics-since-after-until = --since { $since } is after --until { $until }: no review can fall between them

analytics-col-stage = Stage
analytics-col-cards = Cards
analytics-col-flagged = Flagged
analytics-col-reviewed = Reviewed
analytics-col-gone = Gone
analytics-col-reviews = Reviews
analytics-col-not-ok = Not ok
analytics-col-score = Score
analytics-col-idle = Idle d
analytics-col-total = Total
analytics-col-manager = Manager
analytics-col-lying = Lying
analytics-col-fails-most = Fails most
analytics-col-likely-cause = Likely cause
analytics-col-stage-manager = Stage · manager
analytics-col-week = Week
analytics-col-from = From

analytics-mark-unknown = ? not in the funnel
analytics-mark-won = won
analytics-mark-lost = lost
analytics-mark-extra = extra control
analytics-returned = ({ $count } reviews the lead sent back are left out until judged again)

analytics-no-reviews = No reviews yet: once auditors judge cards, okk names the stage whose cards lie most.
analytics-too-few = Too few reviews to name the stage that lies most: { $count } { $stages ->
    [one] stage has
   *[other] stages have
} with cards not ok fewer than { $min } reviews each.
analytics-no-stage-lies = No stage lies: every review found its card as its stage says.
analytics-lies-most = Lies most: «{ $stage }» — { $not_ok } of { $reviews } reviews not ok ({ $share }), so about { $lying } of its { $cards } cards (95 % interval { $low }–{ $high }).
analytics-why-none = Why: no checklist item was failed in those reviews.
analytics-why = Why: { $items }.
analytics-why-item = «{ $item }» (failed in { $failed } of the { $not_ok })

analytics-no-owner = (no owner)
analytics-unranked-managers = * fewer than { $min } reviews: not ranked, listed last by cards ({ $count } { $count ->
    [one] manager
   *[other] managers
})
analytics-managers-title = Managers (the cards' owners now; most likely lying cards first)

analytics-bottlenecks-title = Bottlenecks: where cards likely lie (share not ok × cards there)
analytics-bottlenecks-none = none: no review found a card that is not as its stage says
analytics-unranked-stages = ({ $count } { $count ->
    [one] stage
   *[other] stages
} with cards not ok but fewer than { $min } reviews: not ranked)
analytics-unranked-more-stages = ({ $count } { $count ->
    [one] more stage
   *[other] more stages
} with cards not ok but fewer than { $min } reviews: not ranked)
analytics-unranked-more-pairs = ({ $count } { $count ->
    [one] more stage · manager pair
   *[other] more stage · manager pairs
} with cards not ok but fewer than { $min } reviews: not ranked)
analytics-more = … and { $count } more (okk stats --table bottlenecks --csv)

analytics-trend-title = Trend by ISO week
analytics-trend-none = no reviews yet
