# The reviewer's and the lead's screens (src/text/tui.rs).

tui-unknown-mode = unknown screen `{ $name }`: expected funnel, queue, card, filter, picker, comment, input or help
tui-unknown-action = unknown action `{ $name }`: expected one of { $names }
tui-bad-key = `{ $key }` is not a key: write a character (`a`, `G`), `ctrl-x`, `alt-x`, or enter, esc, space, backspace, tab, ↑ ↓ ← → (or up, down, left, right), PgUp, PgDn, Home, End, Del, f1…f12
tui-key-reserved = `{ $key }` quits on every screen and cannot mean anything else: pick another key
tui-key-taken = `{ $key }` already means `{ $action }` on this screen: rebind `{ $action }` too, or pick another key
tui-bad-lang = `lang = "{ $value }"`: expected "ru" or "en"
tui-store-failed = not saved: { $error } (press the key again to retry)
tui-verdict-ok = ok
tui-verdict-wrong-stage = wrong stage
tui-verdict-stale = stale
tui-verdict-dead = dead
tui-verdict-unclear = unclear
tui-verdict-given = my verdict: { $verdict }
tui-saved = #{ $id } saved: { $verdict }
tui-saved-critical-failed = #{ $id } saved: { $verdict }, critical «{ $item }» failed: score 0% (u undoes)
tui-busy-import = import running
tui-busy-rules = rules running
tui-busy-other = another program is writing to it
tui-saving = #{ $id } saving… (store busy: { $why }); the card stays until it is saved
tui-store-busy = not saved: store busy ({ $why }); press the key again when it is done
tui-saving-failed = #{ $id } not saved yet: { $error } (kept, trying again)
tui-draft-busy-on-quit = the comment draft is not saved: store busy ({ $why }); quit again to leave without it
tui-left-pending = { $count ->
    [one] okk: one verdict waits for the store; it is kept in { $file } and okk writes it the next time it opens the store
   *[other] okk: { $count } verdicts wait for the store; they are kept in { $file } and okk writes them the next time it opens the store
}
tui-kept-here = #{ $id } kept on this machine: no connection to the server; okk writes it when the server answers
tui-no-link = no connection to the server: okk keeps trying; verdicts are kept on this machine meanwhile
tui-link-back = { $count ->
    [0] connection to the server is back
    [one] connection to the server is back: { $count } verdict kept on this machine is written
   *[other] connection to the server is back: { $count } verdicts kept on this machine are written
}
tui-draft-unreachable-on-quit = the comment draft is not saved: no connection to the server; quit again to leave without it
tui-writes-pending = { $count ->
    [one] writing to the store…
   *[other] writing to the store ({ $count } writes)…
}
tui-nothing-to-undo = nothing to undo
tui-open-review-first = open the review first ({ $open }) to decide on it
tui-return-note-enter = return
tui-nothing-to-undo-card = nothing to undo since okk opened; to change an older verdict: { $all } in a queue
tui-nothing-to-undo-reviewed = nothing to undo since okk opened; a new verdict replaces this one: { $verdicts }
tui-undo-other-stage = your last verdict (#{ $id }) is in «{ $stage }»: open that stage to undo it
tui-undo-not-listed = your last verdict (#{ $id }) is not in this list: { $all } without a filter lists it
tui-undo-shows-last = your last verdict: #{ $id }, { $verdict }; { $key } takes it back
tui-undo-earlier = an earlier session's verdict: no undo; a new one replaces it: { $verdicts }
tui-undone = verdict on #{ $id } withdrawn: «{ $verdict }»; no verdict of yours on the card now
tui-undone-back = verdict on #{ $id } withdrawn: «{ $verdict }»; your «{ $before }» stands again
tui-undone-held-by = verdict on #{ $id } withdrawn; the card is with { $auditor } now and leaves your list
tui-card-removed = #{ $id } was removed from the store (okk db prune) while it was on screen: it is off your list; the next card shows
tui-card-removed-verdict = #{ $id } was removed from the store (okk db prune): the verdict «{ $verdict }» was not saved; it is off your list, the next card shows
tui-card-removed-draft = #{ $id } was removed from the store (okk db prune): what you typed on it was not kept; it is off your list, the next card shows
tui-changed-on-screen = #{ $id } changed in the CRM while it was on screen: { $fields } — look at the card again
tui-changed-on-screen-unlisted = #{ $id } changed in the CRM while it was on screen — look at the card again
tui-changed-on-screen-refused = #{ $id } changed in the CRM while it was on screen: { $fields } — the verdict «{ $verdict }» was not saved; look at the card again
tui-changed-on-screen-refused-unlisted = #{ $id } changed in the CRM while it was on screen — the verdict «{ $verdict }» was not saved; look at the card again
tui-changed-on-screen-decision = #{ $id } changed in the CRM while it was on screen: { $fields } — the decision «{ $decision ->
    [accept] accept
    [override] override
   *[return] send back
}» was not recorded; look at the card again
tui-changed-on-screen-decision-unlisted = #{ $id } changed in the CRM while it was on screen — the decision «{ $decision ->
    [accept] accept
    [override] override
   *[return] send back
}» was not recorded; look at the card again
tui-stage-emptied = «{ $stage }» has no card left in the store (okk db prune removed them): back to the funnel
tui-cards-removed = { $count ->
    [one] { $count } card of this list was removed from the store (okk db prune): it is off the list
   *[other] { $count } cards of this list were removed from the store (okk db prune): they are off the list
}
tui-funnel-changed = the store's funnel changed (version { $version }): this screen still judges by the old one and records verdicts under it; quit and open okk again
tui-sent-back-listed = { $count ->
    [one] { $count } card sent back by the lead is in your list again (↩)
   *[other] { $count } cards sent back by the lead are in your list again (↩)
}
tui-undo-decided = #{ $id }: { $lead } { $decision ->
    [accept] accepted
    [override] overrode
    [return] sent back
   *[other] decided on
} this verdict, so no undo; judge the card again
tui-given-back-unlisted = { $count ->
    [one] { $count } card you held is back in the shared queue: the list leaves it out
   *[other] { $count } cards you held are back in the shared queue: the list leaves them out
}
tui-percent = { $n }%
tui-stage-done = Stage «{ $stage }» is done
tui-stage-empty = Stage «{ $stage }» has nothing to review
tui-stage-done-filtered = Stage «{ $stage }» is done for «{ $filter }» (esc clears the filter)
tui-stage-done-next = enter: stage «{ $next }», { $count } to review; q: back
tui-stage-done-last = { $done }, and so is every other stage. q: back
tui-all-done = No other stage has cards to review.
tui-typed-not-verdict = «{ $key }» came right after other keys typed: taken for a word, not a verdict (no text box is open here; / filters the list). Press it again to judge the card.
tui-too-small = okk needs a terminal of at least 80×24; this one is { $width }×{ $height }. Enlarge it, or press ctrl-c to quit: until then keys do nothing.
tui-help = help
tui-help-title = Keys
tui-help-layout = Keys work in the Russian layout too: ф is a, ч is x, . is /, , is ?
tui-help-scrolls = j/k J/K scroll
tui-screen-funnel = funnel
tui-screen-queue = queue
tui-screen-card = card
tui-screen-filter = filter
tui-screen-picker = picker
tui-screen-comment = comment
tui-screen-input = input
tui-screen-help = help
tui-screen-reviews = reviews
tui-screen-decide = decide
tui-screen-stats = stats
tui-screen-fields = fields
tui-funnel-stage = Stage
tui-funnel-cards = Queue
tui-funnel-to-review = To review
tui-funnel-flagged = Flagged
tui-funnel-mine = Mine
tui-extra-control = extra control
tui-not-in-funnel = not in the funnel
tui-no-cards = No cards yet: import a CRM export with `okk import FILE`, or pull the deals with `okk sync`.
tui-queue-id = Id
tui-queue-title = Title
tui-queue-owner = Owner
tui-queue-idle = Idle
tui-queue-flags = Flags
tui-queue-empty = Nothing to review here.
tui-queue-no-match = No card here matches «{ $filter }» (esc clears the filter).
tui-judged-by-others = #{ $id } judged by { $count ->
    [one] auditor
   *[other] auditors
} { $auditors }
tui-queue-judged-by-others = No card here is yours to judge under «{ $filter }»: { $cards }. A second opinion: okk calibrate new (esc clears the filter).
tui-queue-judged-unlisted = { $count ->
    [one] { $count } more judged card is not listed: narrow the list with a filter ({ $key })
   *[other] { $count } more judged cards are not listed: narrow the list with a filter ({ $key })
}
tui-queue-mine-of = mine { $mine } of { $cards }
tui-queue-all = all cards
tui-changed = changed since your review
tui-returned = returned by lead
tui-judged-by-other = judged by another auditor
tui-others-review = { $auditor } judged it: { $verdict }
tui-others-review-earlier = { $auditor } judged it before the CRM changed it: { $verdict }
tui-filter = filter
# A checklist item's weight in the score, beside its mark (`!`: a critical item).
tui-item-weight = w{ $weight }{ $critical ->
    [yes] !
   *[no] {""}
}
tui-checklist = Checklist
tui-no-checklist = The funnel has no checklist for this stage.
tui-score-unanswered = { $count } unanswered
# The checklist's box cut short: items hidden above and below the ones it shows.
tui-items-above = ↑ { $count } more
tui-items-below = ↓ { $count } more
tui-items-failing = { $items } · ✘? { $count }
tui-suggestion = Suggestion
tui-stage-arrow = stage →
tui-owner-arrow = owner →
tui-owner-already = { $owner } already owns the card: no owner suggested
tui-owner-replaced = owner suggested: { $owner }, in place of { $was }
tui-comment = comment
tui-your-verdict = your verdict
tui-owner = Owner
tui-budget = Budget
tui-stage = Stage
tui-path = Path
tui-since = since
tui-since-days = { $count } d
tui-activity = Activity
tui-idle = idle
tui-created = Created
tui-contact = Contact
tui-fields = Fields
tui-notes = Notes
tui-tags = Tags
tui-empty = — empty
tui-gone = gone from the CRM
tui-stage-in-crm = in the CRM: { $name }
tui-closed = closed
tui-pick-stage = Move to stage
tui-pick-owner = Hand to owner
tui-pick-field = Correct field
tui-not-in-crm-pipeline = not in the CRM pipeline
tui-not-in-crm-pipeline-means = not in the CRM pipeline: okk export crm skips such a move
tui-other-source = another source's
tui-other-source-means = another source's: no card of «{ $source }» names this owner, and this card's CRM may not know them
tui-comment-title = Comment (enter saves · alt-enter: new line)
tui-funnel-back-quits = quit
tui-comment-enter = save
tui-text-esc = cancel
tui-comment-esc-kept = close, text kept
tui-discard-asked = esc again drops what you typed; enter keeps it
tui-comment-kept = comment kept on the card: it goes with the verdict
tui-comment-removed = comment taken out
tui-picker-no-match = no match · { $keys } move down the list; letters search
tui-days-ago = { $count ->
    [0] today
    [one] 1 day ago
   *[other] { $count } days ago
}
tui-came-after-day-judged = came here after the day judged ({ $judged })
tui-after-day-judged = after the day judged ({ $judged }): 0 days idle
tui-field-input-title = New value of «{ $field }»
tui-field-input-how = type to replace · ← → Home End edit · empty takes my correction back
tui-field-input-date = a date, 31.12.2026 · { $how }
tui-field-input-number = a number, 1 250 000 · { $how }
tui-field-input-text = { $how }
tui-not-a-date = «{ $value }» is not a date: «{ $field }» takes a date like 31.12.2026 or 2026-12-31
tui-negative-amount = «{ $value }» is below zero: «{ $field }» takes a budget of 0 or more
tui-not-a-number = «{ $value }» is not a number: «{ $field }» takes a number like 1 250 000 or 1250000,50
tui-not-text = «{ $value }» is not text: «{ $field }» takes text like anything
tui-more-text = … { $kb } KB more not shown
tui-more-notes = … { $count } more notes not shown
tui-field-title = Title
tui-field-stage = Stage
tui-field-pipeline = Pipeline
tui-field-owner = Owner
tui-field-amount = Budget
tui-field-currency = Currency
tui-field-created-at = Created
tui-field-updated-at = Updated
tui-field-closed-at = Closed
tui-field-expected-close-at = Expected close
tui-field-last-activity-at = Last activity
tui-field-contact = Contact
tui-field-company = Company
tui-field-phone = Phone
tui-field-email = Email
tui-field-tags = Tags
tui-field-notes = Notes
tui-field-external-id = CRM ID
tui-field-closed = Is closed
tui-field-won = Is won
tui-field-status = Status
tui-card-not-synced = card #{ $id } has not arrived in a sync yet: import the CRM export first
tui-accepted = #{ $id } accepted
tui-overridden = #{ $id } overridden
tui-sent-back = #{ $id } sent back
tui-all-decided = No review is waiting for a decision.
tui-all-decided-here = No review this filter shows is waiting for a decision; { $count } { $count ->
    [one] other waits
   *[other] others wait
} outside it (esc clears the filter).
tui-decision-undone = decision withdrawn
tui-lead = lead
tui-pick-verdict = Override with verdict
tui-return-note = Note to the auditor (enter sends the review back)
tui-lead-card = Card
tui-lead-stage = Stage
tui-lead-auditor = Auditor
tui-lead-verdict = Verdict
tui-lead-score = Score
tui-lead-suggestion = Change
tui-lead-field = field: { $field }
tui-lead-fields = { $count } fields
tui-lead-age = Age
tui-lead-filter-help = / { $auditor }:NAME { $stage }:TEXT { $verdict }:ok { $since }:DATE { $until }:DATE { $disagree } { $calibration } { $source }:NAME
# The lead's list filter's keywords: the filter takes each one's words in every language, and
# its help shows them. Several words apart by spaces, the first the one the bottom line shows.
tui-filter-word-auditor = auditor
tui-filter-word-stage = stage
tui-filter-word-verdict = verdict
tui-filter-word-since = since
tui-filter-word-until = until
tui-filter-word-disagree = disagree
tui-filter-word-calibration = calibration
tui-filter-word-source = source
tui-filter-bad-day = «{ $word }» is not a day: write DD.MM.YYYY or YYYY-MM-DD
tui-age-days = { $count } d
tui-age-hours = { $count } h
tui-age-now = now
tui-reviews-empty = No review matches (t shows decided reviews too).
tui-review = Review
tui-spent = spent { $time }
tui-disagrees = ⚠ ok on a card the rules flag as critical
tui-by-auditor = auditor { $auditor }
tui-lead-accepted = lead { $lead }: accepted
tui-lead-overridden = lead { $lead }: overridden → { $verdict }{ $stage }{ $owner }
tui-override-keeps-owner = owner → { $owner } (the auditor's suggestion) goes to the CRM too
tui-lead-sent-back = lead { $lead }: sent back
tui-lead-note = lead { $lead }'s note
tui-calibration = calibration
tui-others = others
tui-others-at-stage = at «{ $stage }»
tui-auditors-split = auditors disagree, your word settles it
tui-card-settled = the card stands at { $verdict }: lead { $lead } decided on { $auditor }'s review, { $at }
tui-came-after-decision = ↻ made after that decision: new to you; the card's verdict stands until you decide this review
tui-settled-with-card = ≡ settled with the card by that decision (decide this review to change the card)
tui-review-card-changed = the card changed after the review
tui-review-card-moved = the card changed after the review: its stage is now «{ $now }»; the checklist is that of «{ $then }», where it was reviewed
tui-review-stage-gone = the stage «{ $stage }» the card was reviewed at is no longer in the funnel: the answers show as recorded
tui-item-not-in-funnel = { $id } (an item no longer in the funnel)
tui-your-review-card-changed = ↻ the card changed after your review
tui-your-review-card-moved = ↻ the card changed after your review: judged at «{ $then }», it is now at «{ $now }»
tui-your-review-changed-fields = ↻ the card changed after your review:
tui-review-changed-fields = the card changed after the review:
tui-more-changes = … and { $count } more
tui-other-fields = other fields
tui-value-changed = changed
tui-yes = yes
tui-no = no
tui-note-needed = write what the auditor should look at again, then enter
tui-reviews-title = Reviews · { $waiting } awaiting a decision, of { $all }
tui-flags-from = flags as the rules found them on { $day }; `okk check` (or the next import) brings them up to date
tui-auditor-unnamed = Set your name with --auditor NAME or in config.toml: reviewing as «{ $name }»
tui-stats-stages = Stages · cards · share not ok of n cards judged
tui-stats-managers = Managers · dimmed: n < 5, not ranked
tui-stats-manager = Manager
tui-stats-cards = Cards
tui-stats-reviews = n
tui-stats-not-ok = Not ok
tui-stats-idle = Idle
tui-stats-not-ok-counts = not ok: wrong stage, stale, dead or unclear{ $unclear ->
    [0] {""}
   *[other] {" "}({ $unclear } unclear)
}
tui-stats-bottlenecks = Bottlenecks · ~lying (95 % interval) · not ok/n
tui-stats-before-change = * most cards judged before funnel version { $version } changed their stage (okk stats says more)
tui-stats-unsampled = ~lying: flagged cards and the others estimated apart; left out, none of their kind judged at their stage: { $count } open { $count_n ->
    [one] card
   *[other] cards
} (okk stats says where)
tui-stats-too-few = Too few cards judged to rank: a stage or a manager needs 5 cards judged before its share not ok is ranked.
tui-stats-n = n={ $count }
tui-stats-no-reviews = No reviews yet: the bottlenecks come from the auditors' verdicts.
tui-stats-trend = Reviews per day, { $days } days
tui-stats-last-week = { $week }: { $share } not ok of { $count }
tui-stats-week-head = { $week }:
tui-stats-week-figure = { $share } not ok of { $count }
tui-stats-totals = in all: { $share } not ok of { $count }
tui-stats-several-stages = in all each card once; the stages' samples sum to { $rows } (okk stats says why)
tui-stats-title = where the funnel leaks
tui-fields-title = Custom fields kept per stage · declared ones first · f or q: back to the figures
tui-fields-none = No custom field is filled on any card yet.
tui-fields-field = Field
tui-fields-stage = Stage
tui-fields-kept-as = Funnel
tui-fields-filled = Filled
tui-fields-rate = Rate
tui-fields-trend = By run
tui-fields-emptiest = Left empty most by
tui-fields-empty-of = { $empty }/{ $cards } empty
tui-fields-bound-required = bound, req.
tui-fields-bound = bound
tui-fields-required = required
tui-no-owner = (no owner)
tui-marks = Marks
tui-flag-required = a field the stage requires is empty
tui-flag-idle = idle longer than the stage allows
tui-flag-date = a date rule fails (past, missing, out of order)
tui-flag-markers = notes, tags or title say the deal is won or lost
tui-flag-closed-open = closed yet in an open stage, or open in a closed one
tui-flag-backwards = moved back in the funnel, or skipped a stage
tui-flag-gone = gone from the CRM but not closed
tui-flag-unknown-stage = the stage is not in the funnel
tui-flag-no-task = open, with no task scheduled in the CRM
tui-word-required = required
tui-word-idle = idle
tui-word-date = date
tui-word-markers = markers
tui-word-closed-open = closed/open
tui-word-backwards = backwards
tui-word-gone = gone
tui-word-unknown-stage = not in the funnel
tui-word-no-task = no task
tui-why-empty = field empty
tui-legend-returned = sent back
tui-legend-draft = draft
tui-legend-changed = changed
tui-legend-judged-by-other = another's
tui-filter-more = ? more
tui-legend-more = more in help
tui-mark-funnel-extra = an extra-control stage: reviewed first
tui-mark-funnel-unknown = a stage the cards name but the funnel does not know
tui-mark-funnel-progress = my progress: cards with my verdict of the stage's cards
tui-mark-funnel-mine-label = Mine
tui-mark-funnel-mine = cards of the stage with my current verdict
tui-mark-queue-flags = one letter per flag: RR is two flags of one rule
tui-mark-queue-idle-label = Idle
tui-mark-queue-idle = days since the last activity or change
tui-mark-queue-draft = my draft: a verdict or checklist begun and left (kept in the store)
tui-mark-queue-changed = changed by a sync since my verdict: judge it again
tui-mark-queue-calibration = calibration: all auditors review it, the lead compares
tui-mark-queue-returned = returned by the lead, with the lead's note
tui-mark-queue-judged-by-other = another auditor's (under t, a filter): they judged it, or the lead sent it back to them
tui-mark-queue-place = (title) place in the queue, of the cards to review
tui-mark-card-flag = a rule's flag (red or bold: critical; yellow or plain: warning)
tui-mark-card-items = checklist item passed / failed / not applicable
tui-mark-card-suggested = a suggested answer (dimmed): counts once confirmed; a confirms all
tui-mark-card-unanswered = an item not answered yet, nothing suggested
tui-mark-card-scale = a scale item: 3 points of 5 (5/5 is a full pass); its key goes down, 5 → 4 → … → 0 → n/a
tui-mark-card-hidden = checklist items out of the box, below (above: ↑); an item's key brings it in sight
tui-mark-card-weight = the item's weight in the score
tui-mark-card-critical = critical: failing it makes the score 0
tui-mark-card-score-label = score
tui-mark-card-score = weighted share passed; n/a items count neither way
tui-mark-card-empty-label = — empty
tui-mark-card-empty = a field this stage needs is empty (red)
tui-mark-card-unread = a value the import could not read, kept as written
tui-mark-card-idle-label = ⚠ idle
tui-mark-card-idle = no activity for longer than the stage allows
tui-mark-card-correction = (suggestion) field X corrected to Y
tui-mark-card-lead-note = the lead sent your verdict back: the lead's note, whole
tui-mark-reviews-column = a review's marks side by side, each in its own column: every one that applies
tui-mark-reviews-accepted = accepted by the lead
tui-mark-reviews-overridden = overridden by the lead: the row shows the lead's verdict and suggestion
tui-mark-reviews-returned = sent back to the auditor
tui-mark-reviews-settled = settled with its card by the lead's decision on another auditor's review (made before it)
tui-mark-reviews-after = made after the lead's decision on its card: awaits the lead; the card's verdict stands meanwhile
tui-mark-reviews-disagrees = ok on a card the rules flag as critical: look first
tui-mark-reviews-calibration = a calibration card: compare the auditors
tui-mark-reviews-later = a later review of the card above
tui-mark-reviews-split = auditors split on the card; no decision settles it yet
tui-mark-reviews-age-label = Age
tui-mark-reviews-age = how long the review has waited for a decision (blank once decided)
tui-mark-decide-scale = a scale item: 3 points of 5
tui-mark-decide-weight = weight; ! critical: failing it makes the score 0
tui-mark-decide-disagrees = ok on a card the rules flag as critical
tui-mark-decide-split = auditors split on the card: their verdicts listed beside
tui-mark-decide-calibration = calibration: other auditors' verdicts listed beside
tui-all-cards-on = All cards: closed, gone and reviewed by you too (t: only those to look at)
tui-all-cards-off = Cards to look at: open cards, and closed or gone ones a rule flagged (t: all cards)
tui-crm-opened = opened in the browser: { $url }
tui-crm-no-browser = { $url } — copy it (no browser opened)
tui-crm-no-link = no CRM link: the card's source «{ $source }» is not a connected CRM (connections: okk crm list)
tui-loading = loading…
