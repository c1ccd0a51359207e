# Words of `okk calibrate` (src/text/calibrate.rs).

calibrate-too-few-auditors = a calibration needs at least two auditors: --auditors anna,boris
calibrate-unknown-auditor = «{ $name }» is not an auditor of this store: neither one of its users nor the author of a review in it
calibrate-unknown-auditor-like = «{ $name }» is not an auditor of this store: did you mean { $like }?
calibrate-unknown-or = or
calibrate-known-auditors = The store knows these reviewers: { $names }.
calibrate-no-auditor-known = The store knows no reviewer yet: nobody has reviewed in it, and okk db roles has named nobody.
calibrate-name-new-auditor = If the name is right, name the auditor first: okk db roles { $args } (okk db roles lists the users). No calibration was started.
calibrate-name-new-auditors = If the names are right, name the auditors first: okk db roles { $args } (okk db roles lists the users). No calibration was started.
calibrate-no-cards = «{ $stage }» has no cards to draw a calibration from
calibrate-not-found = no calibration { $id }: `okk calibrate list` shows the store's calibrations
calibrate-none-yet = no calibration yet: start one with `okk calibrate new --stage NAME --cards N --auditors A,B`
calibrate-created =
    calibration { $id } of «{ $stage }» by { $by }: { $cards } of { $pool } cards (seed { $seed }), for { $auditors }.
    The cards come first in each auditor's queue, marked calibration; send them with `okk bundle export`. Then: okk calibrate report { $id }
calibrate-report-head = Calibration { $id } · «{ $stage }» · { $cards } { $cards ->
    [one] card
   *[other] cards
} · seed { $seed } · by { $by } · { $at }
calibrate-judged = judged { $n } of { $cards }
calibrate-cohen = Cohen's kappa { $kappa }
calibrate-verdicts = Verdicts: pairwise agreement { $agreement } (the share of auditor pairs that gave a card one verdict) over { $cards } { $cards ->
    [one] card
   *[other] cards
} two auditors or more judged, Krippendorff's alpha { $alpha }{ $kappa }
calibrate-pair = { $a } × { $b }: { $cards } { $cards ->
    [one] card
   *[other] cards
}, agreement { $agreement }, kappa { $kappa }
calibrate-left-out = Left out of the figures (a calibration compares judgements of one card at its stage):
calibrate-moved = #{ $id } moved to «{ $stage }» during the calibration: { $n ->
    [one] the verdict of { $auditors } there is not compared
   *[other] the verdicts of { $auditors } there are not compared
}
calibrate-changed = #{ $id } changed in the CRM between the auditors' reviews ({ $auditors }): they did not judge the same card, so it is not compared
calibrate-changed-again = #{ $id } changed in the CRM between the auditors' reviews ({ $auditors }): they did not judge the same card, so it is not compared until { $again } { $n ->
    [1] judges
   *[other] judge
} it again
calibrate-again-head = To judge again (the CRM changed the card since a review, and the auditors judged different versions of it; until it is judged as it is now, it comes first in the queue, marked ◎):
calibrate-again = { $auditor }: { $n ->
    [1] judge 1 card again — it comes first in your queue again
   *[other] judge { $n } cards again — they come first in your queue again
}
calibrate-stage-unknown = «{ $stage }» is no stage of the funnel now: its checklist items cannot be named, so none are compared
calibrate-items = Checklist items (agreement over the cards two auditors or more answered the item on; an item left unanswered counts neither way):
calibrate-col-item = Item
calibrate-col-agreement = Agreement
calibrate-col-alpha = Alpha
calibrate-col-unanswered = Unanswered
calibrate-of-cards = { $share } of { $cards }
calibrate-disagreements = Disagreements: { $n }
calibrate-lead = lead: { $verdict }
calibrate-ended = ended { $at } by { $by }
calibrate-report-ended = The figures are the reviews as they stood at its end.
calibrate-open = open
calibrate-started = { $at } by { $by }
calibrate-judged-of = { $n } of { $of }
calibrate-list-what = «{ $stage }» · { $cards ->
    [one] { $cards } card
   *[other] { $cards } cards
} · judged { $judged }
calibrate-list-when = started { $started } · { $state }
calibrate-ambiguous = «{ $id }» begins the ids of { $count } calibrations ({ $ids }): give more of the id
calibrate-already-ended = calibration { $id } of «{ $stage }» has ended already ({ $ended }): nothing changed
calibrate-ask-end = End calibration { $id } of «{ $stage }» ({ $judged } of { $of } judgements in)? Its cards will no longer come first in the queues of { $auditors }, and its report keeps the figures it has now. [y/N]{ " " }
calibrate-not-ended = Nothing changed: the answer was no.
calibrate-end-needs-yes = okk calibrate end cannot ask here (not a terminal): add --yes to end the calibration
calibrate-ended-now =
    calibration { $id } of «{ $stage }» { $ended }; { $judged } of { $of } judgements in.
    Its cards no longer come first in the queues of { $auditors }, nor keep a card from okk db prune; okk calibrate report { $id } keeps its figures. okk bundle export carries the end to the auditors' laptops.
