# What `okk fields` prints and the report's fields section (src/text/fields.rs).

fields-none = No cards with custom fields match.
fields-title = Custom fields kept per stage (filled of cards):
fields-bound-required = bound, required
fields-bound = bound
fields-required = required
fields-emptiest = emptiest: { $owner } { $empty } of { $cards } empty
fields-report-emptiest = { $owner }: { $empty } of { $cards } empty
fields-filled = { $filled } of { $cards } ({ $rate })
fields-not-exported = not given by { $sources }
fields-no-owner = (no owner)
fields-report-title = Fields kept
fields-report-note = The custom fields the funnel binds to a stage or requires there: how many of the stage's cards have them filled, and the owner who leaves them empty most. `okk fields` lists every column, declared or not.
fields-report-none = The funnel binds and requires no custom field.
fields-column-field = Field
fields-column-stage = Stage
fields-column-filled = Filled
fields-column-cards = Cards
fields-column-rate = Rate
fields-column-emptiest = Emptiest owner
fields-report-trend = Trend: the rate after each of the latest imports and syncs that changed cards, oldest first (the last is the latest run's).
fields-column-trend = Trend
fields-trend = by run: { $rates }
