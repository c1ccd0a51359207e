# The sentences of flags (src/text/rules.rs): what a stage rule found on a card, with the evidence
# quoted as the CRM wrote it. $field is a field as `rules-field-*` names it; days are DD.MM.YYYY.

rules-today = today
rules-yesterday = yesterday
rules-tomorrow = tomorrow
rules-days-ago = { $count } days ago
rules-days-ahead = in { $count } days

rules-custom-field = «{ $name }»
rules-field-external-id = the CRM id
rules-field-title = the title
rules-field-stage = the stage
rules-field-pipeline = the pipeline
rules-field-owner = the owner
rules-field-amount = the amount
rules-field-currency = the currency
rules-field-created-at = the creation date
rules-field-updated-at = the last edit date
rules-field-closed-at = the closing date
rules-field-expected-close-at = the expected close date
rules-field-last-activity-at = the last activity date
rules-field-closed = the closed flag
rules-field-won = the won flag
rules-field-status = the status
rules-field-contact = the contact
rules-field-company = the company
rules-field-phone = the phone
rules-field-email = the email
rules-field-tags = the tags
rules-field-notes = the notes

rules-required-empty = { $field } is empty, required in «{ $stage }»
rules-idle = no activity for { $days } days (last { $last }); «{ $stage }» allows { $allowed }
rules-idle-far = no activity for { $days } days (last { $last }): { $times_n ->
   *[other] { $times }×
} the { $allowed } days «{ $stage }» allows
rules-not-a-date = { $field } holds «{ $raw }», which is not a date (DD.MM.YYYY); «{ $stage }» needs a date there
rules-date-passed = { $field } { $day } has passed ({ $distance }), yet the card is in «{ $stage }»
rules-date-not-future = { $field } { $day } is not in the future ({ $distance }), yet the card is in «{ $stage }»
rules-date-not-past = { $field } { $day } is still ahead ({ $distance }), yet the card is in «{ $stage }»
rules-date-after-other = { $field } { $day } is after { $other } { $other_day }; in «{ $stage }» it must not be
rules-date-before-other = { $field } { $day } is before { $other } { $other_day }; in «{ $stage }» it must not be

rules-said-notes = notes say
rules-said-tags = tags say
rules-said-title = the title says
rules-meaning-lost = the lead looks lost
rules-meaning-sold = the deal looks sold
rules-meaning-other = a «{ $list }» marker
rules-markers = { $said } «{ $quote }»: { $meaning }, but the card is in «{ $stage }»

rules-closed-on-open = closed on { $day } but «{ $stage }» is an open stage
rules-marked-closed-on-open = marked closed but «{ $stage }» is an open stage
rules-not-closed-on-closing = marked not closed but «{ $stage }» is a closing stage
rules-moved-back = moved back from «{ $from }» to «{ $to }» on { $on }
rules-skipped = { $count ->
    [one] skipped { $stages } (not skippable) on the way to «{ $to }» ({ $on })
   *[other] skipped { $stages } (not skippable) on the way to «{ $to }» ({ $on })
}
rules-gone-since = gone from the CRM (its export or its sync) since { $since } but not closed
rules-gone = gone from the CRM (its latest export or sync) but not closed
rules-unknown-stage = stage «{ $stage }» is not in the funnel
rules-no-task = no task is scheduled, yet the card is open in «{ $stage }»
rules-task-overdue = the nearest task was due { $due } ({ $distance }) and nothing later is scheduled, yet the card is open in «{ $stage }»
