# What `okk funnel suggest` says: proposals, the names of stages it proposes, the comments it
# writes into the funnel file, and `--apply`'s messages (src/text/suggest.rs).

suggest-stage-silent-after = { $stage } — silent
suggest-stage-between = { $from } → { $to }
suggest-patch-after = a new stage right after «{ $stage }»
suggest-patch-added = Added by `okk funnel suggest` after «{ $stage }»: rename it as the desk calls it.
suggest-patch-removed = remove the stage «{ $stage }»; its names become aliases of:
suggest-apply-no-stages = the funnel file has no [[stages]] to change
suggest-apply-no-stage = the funnel file has no stage «{ $stage }» any more: run `okk funnel suggest` again
suggest-silent-tail = Split the silent tail off «{ $stage }»: { $silent } of its { $open } open cards ({ $share }) had «{ $field }» { $days }+ days ago and no activity since; give them their own stage and idle limit.
suggest-bind-field = Bind «{ $field }»: filled at { $kept } but at { $not_kept }; bind it to those stages and require it there.
suggest-bind-column = Bind the column «{ $field }»: filled at { $kept } but at { $not_kept }; bind it to those stages and require it there.
suggest-limit-now = now { $limit }
suggest-limit-none = now none
suggest-idle-limit = Set «{ $stage }»'s idle limit to { $days } days ({ $now }): { $percentile }% of the { $moves } cards that moved on from it did so within { $days } days.
suggest-merge-stage = Merge «{ $stage }» into «{ $into }»: of { $passing } cards passing it, { $skipped } skipped it and { $within_a_day } left within a day ({ $share }).
suggest-last-entry = the last on { $day }
suggest-no-entry = none ever
suggest-drop-stage = Drop «{ $stage }»: no card has entered it in { $days } days ({ $last }; { $cards } cards there now).
suggest-extra-control = Put «{ $stage }» under extra control: auditors judged { $not_ok } of { $cards } cards there not ok ({ $share }).
suggest-missing-between = Add a stage between «{ $from }» and «{ $to }»: auditors moved { $reviews } cards from the one to the other; the funnel may lack the step in between.
suggest-missing-named = Add the stage «{ $to }» after «{ $from }»: auditors named it for { $reviews } cards there.
suggest-none = No suggestions: the data gives no reason to change the funnel.
suggest-apply-hint = Apply one with `okk funnel suggest --apply N`.
suggest-no-such = there is no suggestion { $n }: this run has { $count } (see `okk funnel suggest`)
suggest-cannot-apply = cannot apply to { $path }: { $why }
suggest-applied = Wrote { $path }; the previous funnel is kept as { $kept }. The next run records the new version.
suggest-applied-but-invalid =
    the change would make the funnel invalid, nothing written:
    { $problems }
suggest-unknown-add = Add the stage «{ $stage }» after «{ $after }»: { $cards ->
    [one] { $cards } card is
   *[other] { $cards } cards are
} there, and the funnel does not have it, so they are «not in the funnel».
suggest-unknown-renamed = Count «{ $stage }» as «{ $like }», which the CRM probably renamed: { $cards ->
    [one] { $cards } card is
   *[other] { $cards } cards are
} at «{ $stage }», which the funnel does not have, most of them came from «{ $like }», and «{ $like }» holds no card now.
suggest-unknown-alike = Count «{ $stage }» as «{ $like }»: { $cards ->
    [one] { $cards } card is
   *[other] { $cards } cards are
} at «{ $stage }», which the funnel does not have, and the name is close to «{ $like }».
suggest-mismatch = The funnel does not match the store: { $unused } of its { $open } open stages had no card enter in { $days } days, and { $unknown } of { $cards } cards are at stages it does not have. Dropping its stages one by one would not mend that, so none is proposed; start a funnel from the store instead: `okk funnel init --from-store --out FILE`.
suggest-one-sitting = The store's history was recorded in one sitting (every import and sync from { $from } to { $to }): { $stays ->
    [one] { $stays } move after a stay of a day or less was
   *[other] { $stays } moves after a stay of a day or less were
} left out of idle limits and merges. A move a file could not date by its deal's edit is dated by the import's clock, so such a stay may measure the time between two imports, not the card's time at the stage; the longer stays are the files' own dates.
suggest-removed-stage = Drop «{ $stage }», which the CRM probably removed as it added «{ $added }»: «{ $stage }» holds no card now, and of the { $left } cards that left it since, { $went } went to «{ $into }» (its name becomes an alias of «{ $into }») and { $to_added } to «{ $added }», too few for a rename.
