# `okk stats` текстом (src/text/analytics.rs): таблица этапов, этап, который врёт больше всех, и
# почему, ответственные, узкие места, тренд по неделям. Названия столбцов короткие: над выровненными
# столбцами.

analytics-lying-note = Врут: оценка числа карточек, которые, вероятно, не соответствуют этапу (доля проверок с ошибкой × карточек на этапе), в скобках — 95-процентный интервал (Уилсон); группы меньше чем с 5 проверками в рейтинг не входят.
analytics-window-since = проверки с { $since }
analytics-window-until = проверки по { $until }
analytics-window-between = проверки с { $since } по { $until }
analytics-since-after-until = --since { $since } позже --until { $until }: между ними не может быть ни одной проверки

analytics-col-stage = Этап
analytics-col-cards = Карточек
analytics-col-flagged = С флагом
analytics-col-reviewed = Проверено
analytics-col-gone = Нет в CRM
analytics-col-reviews = Проверок
analytics-col-not-ok = Ошибки
analytics-col-score = Балл
analytics-col-idle = Простой, дн.
analytics-col-total = Итого
analytics-col-manager = Ответственный
analytics-col-lying = Врут
analytics-col-fails-most = Чаще всего не выполнено
analytics-col-likely-cause = Вероятная причина
analytics-col-stage-manager = Этап · ответственный
analytics-col-week = Неделя
analytics-col-from = С

analytics-mark-unknown = ? нет в воронке
analytics-mark-won = успех
analytics-mark-lost = провал
analytics-mark-extra = доп. контроль
analytics-returned = ({ $count ->
    [one] { $count } проверка, возвращённая руководителем, не учтена
    [few] { $count } проверки, возвращённые руководителем, не учтены
   *[many] { $count } проверок, возвращённых руководителем, не учтены
}, пока их не проверят заново)

analytics-no-reviews = Проверок пока нет: когда аудиторы проверят карточки, okk назовёт этап, карточки которого врут больше всех.
analytics-too-few = Слишком мало проверок, чтобы назвать этап, который врёт больше всех: { $stages ->
    [one] { $count } этап с ошибками имеет
    [few] { $count } этапа с ошибками имеют
   *[many] { $count } этапов с ошибками имеют
} меньше { $min } проверок каждый.
analytics-no-stage-lies = Ни один этап не врёт: каждая проверка нашла карточку такой, как говорит её этап.
analytics-lies-most = Врёт больше всех: «{ $stage }» — { $not_ok } из { $reviews } проверок с ошибкой ({ $share }), значит, врут примерно { $lying } из { $cards } его карточек (95-процентный интервал { $low }–{ $high }).
analytics-why-none = Почему: в этих проверках ни один пункт чек-листа не провален.
analytics-why = Почему: { $items }.
analytics-why-item = «{ $item }» (провален в { $failed } из { $not_ok })

analytics-no-owner = (без ответственного)
analytics-unranked-managers = * меньше { $min } проверок: вне рейтинга, в конце по числу карточек ({ $count ->
    [one] { $count } ответственный
    [few] { $count } ответственных
   *[many] { $count } ответственных
})
analytics-managers-title = Ответственные (нынешние владельцы карточек; сначала те, у кого больше всего карточек, которые врут)

analytics-bottlenecks-title = Узкие места: где карточки, вероятно, врут (доля проверок с ошибкой × карточек там)
analytics-bottlenecks-none = нет: ни одна проверка не нашла карточку, не соответствующую этапу
analytics-unranked-stages = ({ $count ->
    [one] { $count } этап
    [few] { $count } этапа
   *[many] { $count } этапов
} с ошибками, но меньше чем с { $min } проверками: вне рейтинга)
analytics-unranked-more-stages = (ещё { $count ->
    [one] { $count } этап
    [few] { $count } этапа
   *[many] { $count } этапов
} с ошибками, но меньше чем с { $min } проверками: вне рейтинга)
analytics-unranked-more-pairs = (ещё { $count ->
    [one] { $count } пара «этап · ответственный»
    [few] { $count } пары «этап · ответственный»
   *[many] { $count } пар «этап · ответственный»
} с ошибками, но меньше чем с { $min } проверками: вне рейтинга)
analytics-more = … и ещё { $count } (okk stats --table bottlenecks --csv)

analytics-trend-title = Тренд по неделям ISO
analytics-trend-none = проверок пока нет
