# What `okk funnel history` says, the diff of a funnel version, and `okk stats --funnel-version`
# with the report's before/after section (src/text/versions.rs).

versions-not-recorded = note: this funnel version was not recorded in the store ({ $why })
versions-no-limit = none
versions-first = the first version okk ran with on this store
versions-stages-added = stages added: { $stages }
versions-stages-removed = stages removed: { $stages }
versions-merged = «{ $stage }» merged into «{ $into }» (removed, its names now aliases of «{ $into }»: its cards count there)
versions-renamed = renamed «{ $from }» → «{ $to }»
versions-alias-added = «{ $alias }» now an alias of «{ $stage }» (its cards count there)
versions-alias-removed = «{ $alias }» no longer an alias of «{ $stage }»
versions-bound = «{ $field }» bound to «{ $stage }»
versions-unbound = «{ $field }» no longer bound to «{ $stage }»
versions-limit = «{ $stage }» idle limit { $from } → { $to }
versions-extra-control-on = «{ $stage }» under extra control
versions-extra-control-off = «{ $stage }» no longer under extra control
versions-no-change = no change to stages, aliases, bound fields or limits (checklists, rules or wording)
versions-none = No funnel version recorded yet: one is recorded when okk first checks the cards with a funnel.
versions-version = version «{ $name }», first used { $day } (hash { $hash })
versions-no-such = this store has no funnel version { $version }: see `okk funnel history`
versions-side = not ok { $mismatches } of { $judged } { $judged ->
    [one] card judged
   *[other] cards judged
} ({ $mismatch_rate }); moved on { $moved_on } of { $entered } entering ({ $conversion }); median { $days } days in stage
versions-before-after = Before and after funnel version { $version } (first used { $moment }; reviews by the version each was made under, cards entering a stage by that moment):
versions-before = before: { $side }
versions-after = after:  { $side }
versions-before-none = before: none — version { $version } added the stage; after counts every card seen entering it and every review made at it
versions-idle-now = median idle days now: { $days }
versions-stage-added = added by version { $version }
versions-stage-removed = removed by version { $version } (version { $previous } had it)
versions-stage-merged = merged by version { $version } into «{ $into }» (version { $previous } had it): its cards count there now
versions-stage-merged-from = version { $version } merged { $stages } into it: its before counts the reviews made there too
versions-emptied-into = of its moves on before, { $moves } went to «{ $stage }» after the last card had come in: the stage emptied there, most likely the removal moving its cards, not work done
versions-stage-renamed = renamed by version { $version } from «{ $from }»
versions-stage-split = split by version { $version }: a share of its cards moved to { $count ->
    [one] { $stages }, the stage it added
   *[other] { $stages }, the stages it added
}
versions-stage-changed = changed by version { $version }
versions-stage-not-current = not in the funnel okk runs with now
versions-cards-now = { $count ->
    [one] 1 card there now
   *[other] { $count } cards there now
}
versions-cards-not-in-version = { $count ->
    [one] 1 card there now, in a stage version { $version } does not have
   *[other] { $count } cards there now, in a stage version { $version } does not have
}
versions-not-in-version = Cards now in stages version { $version } does not have: { $stages }
versions-unchanged-left-out = Stages version { $version } left as they were, not listed: { $count }
versions-read-with-current = Version { $version }'s text no longer reads as a funnel: its stages are named as the funnel okk runs with now names them.
versions-removed-unread = Stages version { $version } removed, not split (the text of the version before no longer reads as a funnel): { $stages }
versions-report-title = Before and after funnel version { $version }
versions-report-note = The stages the change touched, before and after it — the reviews by the funnel version each was made under, the cards entering a stage by { $moment }, when okk first ran with it: cards judged not ok, cards moving on of those entering, and median days in the stage of those that moved on — each with its sample.
versions-column-stage = Stage
versions-column-not-ok-before = Not ok before
versions-column-moved-before = Moved on before
versions-column-days-before = Days before
versions-column-not-ok-after = Not ok after
versions-column-moved-after = Moved on after
versions-column-days-after = Days after
versions-no-before = none: version { $version } added the stage
versions-column-idle-now = Idle days now
