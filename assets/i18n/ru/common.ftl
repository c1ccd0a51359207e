# Слова, общие для многих разделов: существительные с числом (формы множественного числа — по CLDR
# через Fluent: one — 1, 21, 101; few — 2–4, 22–24; many — 0, 5–20, 25–30, 111; other — дроби).

common-cards = { $count ->
    [one] { $count } карточка
    [few] { $count } карточки
    [many] { $count } карточек
   *[other] { $count } карточки
}
common-days = { $count ->
    [one] { $count } день
    [few] { $count } дня
    [many] { $count } дней
   *[other] { $count } дня
}
common-reviews = { $count ->
    [one] { $count } проверка
    [few] { $count } проверки
    [many] { $count } проверок
   *[other] { $count } проверки
}
