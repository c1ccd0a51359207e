# The comments `okk funnel init --from-store` writes into the funnel it makes, and its messages
# (src/text/init.rs).

init-header =
    A starting funnel written by `okk funnel init --from-store` from { $cards } cards.
    Stages are in the order cards move through them: by stage history ({ $moved } cards seen moving),
    else by what the cards carry (more fields filled and older cards come later); closed stages last.
    Check each stage's kind, add idle limits, required fields and checklists, then run `okk funnel check`.
    The format: docs/funnel.md and the built-in funnel (assets/funnel.toml).
init-columns-intro =
    Custom columns the cards carry, filled in the share of cards shown. Declare those worth checking
    (uncomment), bind them to stages with `fields`, require them with `required`; `okk fields` shows
    how well each is kept per stage, and `okk funnel suggest` proposes bindings.
init-column-note = filled in { $share } of the cards
init-stage-note = { $cards } cards; { $closed } closed, { $won } won; { $fields } custom fields filled per card
init-aliases-note = spellings close to the name: check they are the same stage
init-idle-note = days without activity before a card is flagged
init-pipelines-note = only these pipelines have the stage: a card of another does not skip it
init-no-task-note = an open card with no task scheduled, or one overdue, is flagged
init-no-task-on = okk: the store's cards carry the nearest task («Ближайшая задача»), so the { $open ->
    [one] open stage runs
   *[other] { $open } open stages run
} the `no_task` rule (an open card with no task scheduled is flagged); delete its `[[stages.rules]]` lines where it does not fit.
init-funnel-name = Funnel from { $store }
init-no-cards = { $store } has no cards to read stages from: import an export first
init-wrote = Wrote { $path } with { $stages } stages; edit it, then `okk funnel check --funnel { $arg }`.
init-use-it = Then, to make it the funnel okk uses: `okk --funnel { $arg } …` on each command, or set OKK_FUNNEL={ $arg }, or put it in place of the default funnel file { $default }.
init-use-it-no-default = Then, to make it the funnel okk uses: `okk --funnel { $arg } …` on each command, or set OKK_FUNNEL={ $arg }.
init-exists = { $path } exists; pass --force to replace it
init-wrote-builtin = Wrote { $path }: the built-in funnel, { $stages } stages; edit it to match your CRM, then `okk funnel check --funnel { $arg }`.
init-pipeline-cards = «{ $pipeline }» ({ $cards } cards)
init-pipelines-merged = okk: the store's cards are in { $count } pipelines, { $list }; their stages make one funnel here, named after them all (a funnel file is one funnel). Keep the stages of the pipeline the desk reviews, or make one funnel file per pipeline from this one.
init-order-guessed = okk: the stage order is a guess: the store keeps no order of the CRM's, so it comes from the stage history ({ $moved } cards seen moving) and what the cards carry; check it before `okk funnel check`.
init-header-crm =
    A starting funnel written by `okk funnel init --from-store` from { $cards } cards.
    Stages are in the CRM's own order, as the last `okk sync` read it (the pipelines in their order, one after another); closed stages last.
    Check each stage's kind, add idle limits, required fields and checklists, then run `okk funnel check`.
    The format: docs/funnel.md and the built-in funnel (assets/funnel.toml).
init-header-crm-guessed = { $guessed ->
    [one] The { $guessed } stage no sync listed (cards imported from files) comes after the CRM's, in an order guessed from the cards.
   *[other] The { $guessed } stages no sync listed (cards imported from files) come after the CRM's, in an order guessed from the cards.
}
init-order-from-crm = okk: the stages are in the CRM's own order, as the last `okk sync` read it (the pipelines in their order, one after another); check it before `okk funnel check`.
init-order-partly-guessed = okk: after the CRM's stages come { $guessed ->
    [one] { $guessed } stage
   *[other] { $guessed } stages
} no sync listed (cards imported from files), in an order guessed from the cards.
