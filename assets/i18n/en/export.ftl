# Messages of `okk export` (src/text/export.rs). CRM column names, file names and CLI flags stay
# as they are.

export-exists = { $path }: the file exists; pass --force to replace it, or choose another --out
export-cannot-write = { $path }: cannot write the export: { $error } (nothing was written there)
export-unknown-profile = no export profile «{ $name }»; use one of: { $names }
export-wrote-reviews = okk: wrote { $count } { $count ->
    [one] review
   *[other] reviews
} to { $path }
export-for-russian-excel = okk: for Excel with Russian settings, add --delimiter ';' --bom (a `;`-separated file with a byte order mark)
export-changes-csv = changes to { $count } { $count ->
    [one] card
   *[other] cards
}
export-changes-rest = { $count } REST { $method } { $count ->
    [one] call
   *[other] calls
} (one per line; its file import cannot update deals)
export-wrote-changes = okk: wrote { $what } for { $crm } to { $path }
export-none-approved = okk: no change a lead has approved yet (--approved-only writes only those): the lead decides on the reviews with `okk lead`; without --approved-only the file takes every card's standing verdict
export-changed-since-review = okk: { $count ->
    [one] { $count } of these cards has changed in the CRM since the review: check it
   *[other] { $count } of these cards have changed in the CRM since the review: check them
} before the import (`okk export reviews` marks them in { $column }): { $cards }
export-card-now = #{ $card } (now at «{ $stage }»)
export-card-now-alias = #{ $card } (now at «{ $stage }», «{ $crm }» in the CRM)
export-and-more = … and { $count } more
export-needs-lead = okk: { $count } { $count ->
    [one] card needs
   *[other] cards need
} the lead, not exported: their auditors disagree and no decision settles it (`okk lead`, filter `{ $filter }`): { $cards }
export-gone-one = okk: card { $card } is gone from the CRM (a later full import or sync no longer had it): its change is left out of the file
export-gone = okk: { $count } cards are gone from the CRM (a later full import or sync no longer had them): their changes are left out of the file: { $cards }
export-cannot-set = okk: warning: { $crm }'s import cannot set «{ $field }»: left out for { $count } { $count ->
    [one] card
   *[other] cards
}; set it by hand in { $crm }: { $cards }
export-cannot-set-rest = okk: warning: the REST lines okk writes for { $crm } do not set «{ $field }»: left out for { $count } { $count ->
    [one] card
   *[other] cards
}; set it by hand in { $crm }: { $cards }
export-not-api-name = okk: warning: { $crm }'s import matches a column to a field by its API name, and «{ $field }» is none (custom fields end in { $suffix }): written for { $count } { $count ->
    [one] card
   *[other] cards
}; map the column to its field by hand when importing
export-ambiguous-system = okk: warning: card { $id }: «{ $field }» was the column «{ $header }» of the { $crm } export, which also heads a system field of { $crm } so: its import matches columns by header and cannot tell the two apart, so the correction is not in the file; set «{ $value }» in that field of deal { $id } in { $crm } by hand
export-ambiguous-custom = okk: warning: card { $id }: «{ $field }» was the column «{ $header }» of the { $crm } export, which has another field of that name: its import matches columns by header and cannot tell the two apart, so the correction is not in the file; set «{ $value }» in that field of deal { $id } in { $crm } by hand (or give the two fields names of their own there)
export-bad-value = okk: warning: card { $id }: «{ $field }» = «{ $value }» is not { $kind }: written as text
export-defused = okk: warning: card { $id }: «{ $field }» = «{ $value }» begins as a spreadsheet formula would: written with a ' in front, which the { $crm } import keeps; remove it there, or in the file if it is not opened in a spreadsheet
export-time-dropped = okk: warning: card { $id }: «{ $field }» = «{ $value }»: the { $crm } file takes the day only; the time is not written
export-stage-not-in-pipeline = okk: stage «{ $stage }» is not in the CRM pipeline «{ $pipeline }» of «{ $connection }»: { $count ->
    [one] card
   *[other] cards
} { $cards } left out of the file; move { $count ->
    [one] it
   *[other] them
} in the CRM by hand, or add the CRM's name of the stage to the stage's aliases in the funnel and export again
export-pipeline-not-synced = okk: the CRM pipeline «{ $pipeline }» of «{ $connection }» is not among those its last sync read: { $count ->
    [one] card
   *[other] cards
} { $cards } left out of the file; run `okk sync { $connection }` and export again
export-no-stage-id = okk: { $crm } takes a stage by its id, which okk knows only for deals synced over the CRM's API (`okk sync`, docs/sync.md), not for cards from an export file: the move to «{ $stage }» is not written, and { $count ->
    [one] card
   *[other] cards
} { $cards } left out of the file; move { $count ->
    [one] it
   *[other] them
} in the CRM by hand, or sync the account and export again
export-stages-not-synced = okk: { $crm } takes a stage by its id, and okk has no stage ids of «{ $connection }»: its last sync came before okk kept its pipelines' stages. The move to «{ $stage }» is not written, and { $count ->
    [one] card
   *[other] cards
} { $cards } left out of the file; run `okk sync { $connection }` once so okk learns the pipelines' stage ids, then export again
export-kind-number = a number
export-kind-date = a date
export-kind-text = text
export-no-cards-from = okk: no cards in this store came from { $crm }: writing every card's change in { $crm }'s columns (its ids are the other CRM's: check before importing)
export-owner-name = a user's name
export-owner-email = an email
export-owner-numeric-id = a numeric user id
export-owner-salesforce-id = a Salesforce User Id (15 or 18 letters and digits, 005…)
export-owners-unreadable = { $path }: cannot read the owners map: { $error }
export-owners-problems = { $problems }
    (an owners map: a header row, then one row per owner: okk's name for them, the CRM's value; or TOML lines `"okk name" = "CRM value"`; nothing was written)
export-owners-not-utf8 = not UTF-8: save the TOML file as UTF-8
export-owners-not-text = cannot read the file as { $encoding } text: save it as UTF-8 CSV
export-owners-bad-csv = not a CSV file okk can read ({ $error }): a quote never closed?
export-owners-bad-toml = { $error }: write one `"okk name" = "CRM value"` per line
export-owners-not-string = the value for «{ $name }» is not text: put it in quotes
export-owners-line-break = a line break inside a cell: a quote that never closed? (names and values fit on one line)
export-owners-empty = no owners in the map: after the header row, one row per owner (okk's name, the CRM's value)
export-owners-no-name = «{ $value }» has no okk owner name before it: the first column is the name okk shows
export-owners-no-value = no { $crm } value for «{ $name }»: fill in the second column or delete the row
export-owners-bad-value = «{ $value }» for «{ $name }» is not { $form }, which { $crm }'s import wants for the owner (columns swapped?)
export-owners-twice = «{ $name }» is already mapped on line { $line } to «{ $first }», here to «{ $value }»: keep one
export-unmapped-owner = «{ $name }» ({ $count } { $count ->
    [one] card
   *[other] cards
})
export-unmapped-skipped = okk: warning: { $crm }'s import takes { $form } as the owner, and these suggested owners have none: their cards' owner is left unchanged (their other changes are written)
export-unmapped-stopped = { $crm }'s import takes { $form } as the owner, and these suggested owners have none (a name there would make the CRM reject the row); nothing was written
export-unmapped-fix-skipped = To move them too, add them to the owners map and export again:
export-unmapped-fix-stopped = Add them to an owners map and pass it with --owners FILE (or pass --skip-unmapped-owners to write the other changes and leave these owners unchanged). A map to fill in:
export-owner-ids-from-export = okk: { $cards ->
    [one] { $cards } card gets
   *[other] { $cards } cards get
} a new owner by { $crm } user id, which its import takes instead of a name; { $owners ->
    [one] the id was
   *[other] the ids were
} taken from «Name [id]» in { $crm }'s own export, so no owners map was needed: { $names }. If a user's id has changed since that export, give --owners FILE
export-owners-loaded = okk: owners map { $path }: { $count } { $count ->
    [one] owner
   *[other] owners
}

# CSV meant for people (`okk export reviews`): column names and values in the reader's language;
# English keeps okk's machine names (`--headers en`).
export-col-review-id = review_id
export-col-source = source
export-col-external-id = external_id
export-col-title = title
export-col-stage = stage
export-col-owner = owner
export-col-auditor = auditor
export-col-verdict = verdict
export-col-score = score
export-col-failed-items = failed_items
export-col-failed-critical-items = failed_critical_items
export-col-suggested-stage = suggested_stage
export-col-suggested-owner = suggested_owner
export-col-corrections = corrections
export-col-comment = comment
export-col-reviewed-at = reviewed_at
export-col-seconds-spent = seconds_spent
export-col-lead-decision = lead_decision
export-col-lead = lead
export-col-card-changed = card_changed
export-col-lead-verdict = lead_verdict
export-col-lead-suggested-stage = lead_suggested_stage
export-col-lead-suggested-owner = lead_suggested_owner
export-col-final-verdict = final_verdict
export-col-unanswered-items = unanswered_items
export-col-crm-url = crm_url
export-col-lead-note = lead_note
export-col-settled-by = settled_by
export-col-settled-decision = settled_decision
export-col-card-gone-at = card_gone_at
export-col-awaits-lead = awaits_lead
export-col-funnel-stage = funnel_stage
export-col-funnel-stage-now = funnel_stage_now
export-col-calibration = calibration
export-verdict-ok = ok
export-verdict-wrong-stage = wrong_stage
export-verdict-stale = stale
export-verdict-dead = dead
export-verdict-unclear = unclear
export-decision-accept = accept
export-decision-override = override
export-decision-return = return
export-yes = yes
export-no = no

# Columns and values of `okk stats --csv`.
export-col-flagged-share = flagged_share
export-col-reviews = reviews
export-col-ok = ok
export-col-wrong-stage = wrong_stage
export-col-stale = stale
export-col-dead = dead
export-col-unclear = unclear
export-col-mismatches = mismatches
export-col-mismatch-rate = mismatch_rate
export-col-estimated-lying = estimated_lying
export-col-average-score = average_score
export-col-open-cards = open_cards
export-col-median-idle-days = median_idle_days
export-col-top-failing-items = top_failing_items
export-col-top-failing-ids = top_failing_ids
export-col-estimated-lying-low = estimated_lying_low
export-col-estimated-lying-high = estimated_lying_high
export-col-ranked = ranked
export-col-scored = scored
export-col-judged = judged
export-col-disputed = disputed
export-col-covered-cards = covered_cards
export-col-changed-by-version = changed_by_version
export-col-judged-before-change = judged_before_change
export-col-changed-stages = changed_stages
export-col-known = known
export-col-kind = kind
export-col-cards = cards
export-col-gone = gone
export-col-flagged = flagged
export-col-reviewed = reviewed
export-col-manager = manager
export-col-level = level
export-col-rank = rank
export-col-likely-cause = likely_cause
export-col-likely-cause-ids = likely_cause_ids
export-col-week = week
export-col-starts = starts
export-col-cards-per-hour = cards_per_hour
export-col-median-seconds = median_seconds
export-col-decided = decided
export-col-accepted = accepted
export-col-overridden = overridden
export-col-returned = returned
export-col-calibrated = calibrated
export-col-reference-agreement = reference_agreement
export-col-unanswered = unanswered
export-kind-open = open
export-kind-won = won
export-kind-lost = lost
export-level-stage = stage
export-level-manager = manager
export-sources-mixed = okk: warning: the file holds changes of cards from { $count } sources ({ $sources }), and a CRM's import loads a file into one account: export each source alone — okk export crm --profile { $profile } --source NAME
export-crm-name-bitrix24 = Bitrix24
