# Words many areas share: counted nouns (plural forms come from CLDR through Fluent).

common-cards = { $count ->
    [one] { $count } card
   *[other] { $count } cards
}
common-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
common-reviews = { $count ->
    [one] { $count } review
   *[other] { $count } reviews
}
