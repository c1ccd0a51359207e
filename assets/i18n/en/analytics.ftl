# `okk stats` as text (src/text/analytics.rs): the stage table, the stage that lies most and why,
# managers, bottlenecks, the weekly trend. Column names are short: they head aligned columns.

analytics-lying-note = Lying: estimated open cards that likely lie, with its 95 % interval (Wilson) in brackets: the share not ok among the flagged cards judged × the flagged open cards there, plus the share among the cards judged without flags × the open cards without flags (the queues put flagged cards first, and flagged cards lie more: one share would speak for both by the flagged ones'); open cards of a kind none of which was judged there are left out; groups with fewer than 5 cards judged are not ranked.
analytics-judged-note = Sample: the cards judged at the stage, each once, by the verdict that stands on it (the lead's where the lead decided; two auditors who agree make one card); Not ok: their share.
analytics-not-ok-note = Not ok: the verdict is wrong stage, stale, dead or unclear (the auditor could not tell from the card: it does not show its stage){ $not_ok_n ->
    [0] {"."}
   *[other] ; unclear: { $unclear } of the { $not_ok } not ok.
}
analytics-decided-elsewhere = { $count } { $count_n ->
    [one] card counts
   *[other] cards count
} at a stage by the lead's decision on its review at another stage, not by what was said of it there ({ $stages }): the lead's word on a card stands over a later review, at every stage.
analytics-several-stages = { $count } { $count_n ->
    [one] card was
   *[other] cards were
} judged at more than one stage: each of those stages counts { $count_n ->
    [one] it
   *[other] them
} in its sample, the totals and the managers once, by the verdict that stands on the card; so the stages' samples add up to { $rows } while { $total } { $total_n ->
    [one] card was
   *[other] cards were
} judged in all{ $disputed_n ->
    [0] {""}
    [one] {" "}(and { $disputed } more the auditors split on, in the totals' sample once the lead decides)
   *[other] {" "}(and { $disputed } more the auditors split on, in the totals' sample once the lead decides)
}.
analytics-total-lying = { $measured ->
    [yes] Lying: { $lying }
   *[other] Likely lying: { $lying } ({ $low }–{ $high })
} of the { $open } open { $open_n ->
    [one] card
   *[other] cards
} at the { $stages_n ->
    [one] stage
   *[other] { $stages } stages
} with cards judged ({ $judged } { $judged_n ->
    [one] card
   *[other] cards
} judged, { $not_ok } not ok); { $measured ->
    [yes] every one of those open cards judged: a count, not an estimate.
   *[other] at each stage the share not ok among its flagged cards judged applied to its flagged open cards, and the share among those without flags to its open cards without flags, the 95 % intervals summed.
}
analytics-unsampled = Not sampled, so left out of the estimate: { $list }: no card of that kind was judged at the stage, and the flagged cards' share does not speak for the cards without flags, nor theirs for the flagged; judge some of them.
analytics-unsampled-unflagged = «{ $stage }» { $open } open { $open_n ->
    [one] card
   *[other] cards
} without flags
analytics-unsampled-flagged = «{ $stage }» { $open } flagged open { $open_n ->
    [one] card
   *[other] cards
}
analytics-total-lying-held = Likely lying: not estimated yet: { $judged } { $judged_n ->
    [one] card
   *[other] cards
} judged, but { $stages_n ->
    [one] { $stages } stage with open cards has fewer than { $min } cards judged among its flagged cards or among those without flags
   *[other] { $stages } stages with open cards have fewer than { $min } cards judged among their flagged cards or among those without flags
} (each kind is estimated on its own sample); judge { $needed } more { $needed_n ->
    [one] card
   *[other] cards
} there for an estimate.
analytics-disputed = ({ $count } { $count ->
    [one] card whose auditors disagree on whether it is ok is
   *[other] cards whose auditors disagree on whether they are ok are
} left out until the lead decides: `okk lead`, filter `{ $filter }`)
analytics-window-since = reviews from { $since }
analytics-window-until = reviews up to { $until }
analytics-window-between = reviews from { $since } to { $until }
analytics-since-after-until = --since { $since } is after --until { $until }: no review can fall between them

analytics-col-stage = Stage
analytics-col-cards = Cards
analytics-col-flagged = Flagged
analytics-col-reviewed = Reviewed
analytics-col-gone = Gone
analytics-col-judged = Sample
analytics-col-open = Open
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
analytics-marked = { $mark }: { $stages }
analytics-left-out = Left out to fit { $cols } columns (`okk stats --json` and a wider terminal show them): { $columns }
analytics-judged-before-change = estimated from reviews made before funnel version { $version } changed this stage ({ $change }): { $before } of { $judged } { $before_n ->
    [one] card was
   *[other] cards were
} judged before it
analytics-lies-most-before-change = Estimated from reviews made before funnel version { $version } changed this stage ({ $change }): { $before } of { $judged } { $before_n ->
    [one] card was
   *[other] cards were
} judged before it.
analytics-manager-judged-before-change = estimated from reviews made at { $stages } before funnel version { $version } changed { $count ->
    [one] that stage
   *[other] those stages
} ({ $change }): { $before } of { $judged } { $before_n ->
    [one] card was
   *[other] cards were
} judged before it
analytics-make-up-added = a new stage
analytics-make-up-merge = a merge
analytics-make-up-split = a split
analytics-make-up-merge-and-split = a merge and a split
analytics-returned = ({ $count } { $count ->
    [one] review the lead sent back is
   *[other] reviews the lead sent back are
} left out until judged again)
analytics-without-card = ({ $count } { $count ->
    [one] review of a card no longer in the store is
   *[other] reviews of cards no longer in the store are
} left out of every figure: okk db prune took their cards out; they count again if an import brings the cards back)

analytics-no-reviews = No reviews yet: once auditors judge cards, okk names the stage whose cards lie most.
analytics-none-in-window = No reviews in the window ({ $window }): it leaves out every current review in the store ({ $count }, { $span }).
analytics-left-out-span = { $same ->
    [yes] made on { $first }
   *[other] made from { $first } to { $last }
}
analytics-none-judged = No card judged yet: the cards reviewed wait for the lead (sent back, or their auditors disagree).
analytics-too-few = Too few cards judged to name the stage that lies most: { $count } { $stages ->
    [one] stage with cards not ok has fewer than { $min } cards judged.
   *[other] stages with cards not ok have fewer than { $min } cards judged each.
}
analytics-no-stage-lies = No stage lies: every card judged is as its stage says.
analytics-lies-most = Lies most: «{ $stage }» — { $not_ok } of { $judged } { $judged_n ->
    [one] card
   *[other] cards
} judged not ok ({ $share }{ $unclear_n ->
    [0] {""}
   *[other] ; { $unclear } of them unclear
}){ $measured ->
    [yes] : { $lying } of its { $open }{ $part ->
        [flagged] {" "}flagged
       *[other] {""}
    } open { $open_n ->
        [one] card
       *[other] cards
    }{ $part ->
        [unflagged] {" "}without flags
       *[other] {""}
    } { $lying_n ->
        [one] lies
       *[other] lie
    }, every one of them judged.
   *[other] , so about { $lying } of its { $open }{ $part ->
        [flagged] {" "}flagged
       *[other] {""}
    } open { $open_n ->
        [one] card
       *[other] cards
    }{ $part ->
        [unflagged] {" "}without flags
       *[other] {""}
    } (95 % interval { $low }–{ $high }).
}
analytics-why-none = Why: no checklist item was failed on those cards.
analytics-why = Why: { $items }{ $unanswered_n ->
    [0] {""}
   *[other] ; the checklist is unanswered on { $unanswered } of the { $not_ok } { $not_ok_n ->
        [one] card
       *[other] cards
    } not ok (no item marked pass or fail)
}.
analytics-why-unanswered = Why: not known — the checklist is unanswered on { $unanswered } of the { $not_ok } { $not_ok_n ->
    [one] card
   *[other] cards
} not ok (no item marked pass or fail){ $answered_n ->
    [0] {""}
   *[other] , and no item was failed on the other { $answered }
}.
analytics-why-item = «{ $item }» (failed in { $failed } of the { $not_ok })

analytics-no-owner = (no owner)
analytics-unranked-managers = † fewer than { $min } cards judged: not ranked, listed last by cards ({ $count } { $count ->
    [one] manager
   *[other] managers
})
analytics-managers-title = Managers (the cards' owners now; most likely lying cards first)

analytics-bottlenecks-title = Bottlenecks: where cards likely lie (share judged not ok × open cards there)
analytics-bottlenecks-none = none: no card judged is other than its stage says
analytics-bottlenecks-none-in-window = none: no review in the window
analytics-unranked-stages = ({ $count } { $count ->
    [one] stage
   *[other] stages
} with cards not ok but fewer than { $min } cards judged: not ranked)
analytics-unranked-more-stages = ({ $count } { $count ->
    [one] more stage
   *[other] more stages
} with cards not ok but fewer than { $min } cards judged: not ranked)
analytics-unranked-pairs = (no stage · manager pair has { $min } cards judged; { $count } { $count ->
    [one] pair
   *[other] pairs
} with cards not ok but fewer than { $min } cards judged: not ranked)
analytics-unranked-more-pairs = ({ $count } { $count ->
    [one] more stage · manager pair
   *[other] more stage · manager pairs
} with cards not ok but fewer than { $min } cards judged: not ranked)
analytics-more = … and { $count } more (okk stats --table bottlenecks --csv)

analytics-trend-title = Trend by ISO week
analytics-trend-none = no reviews yet
analytics-trend-none-in-window = none in the window ({ $window }); current reviews in the store: { $count }, { $span }
analytics-percent = { $n }%
analytics-score-of = { $score } (n={ $n })
