# `okk stats` текстом (src/text/analytics.rs): таблица этапов, этап, который врёт больше всех, и
# почему, ответственные, узкие места, тренд по неделям. Названия столбцов короткие: над выровненными
# столбцами.

analytics-lying-note = Врут: оценка числа открытых карточек, которые, вероятно, не соответствуют этапу (доля проверенных карточек с ошибкой × открытых карточек на этапе), в скобках — 95-процентный интервал (Уилсон); группы меньше чем с 5 проверенными карточками в рейтинг не входят. Проверенные карточки — это очереди аудиторов, где карточки с флагами идут первыми, а не случайная выборка: если почти все они с флагами, оценка, вероятно, завышена (случайную выборку даёт `okk calibrate new`).
analytics-judged-note = Выборка: карточки, проверенные на этапе, каждая один раз, по вердикту, который за ней остался (руководителя, если он решил; два согласных аудитора — одна карточка); Ошибки: их доля.
analytics-not-ok-note = Ошибки: вердикт «не тот этап», «устарела», «мёртвый лид» или «неясно» (аудитор не смог решить по карточке: её этап из неё не виден){ $not_ok_n ->
    [0] {"."}
   *[other] ; неясно { $unclear } из { $not_ok } с ошибкой.
}
analytics-decided-elsewhere = { $count_n ->
    [one] { $count } карточка считается
    [few] { $count } карточки считаются
   *[many] { $count } карточек считаются
} на этапе по решению руководителя о проверке на другом этапе, а не по тому, что о ней сказано там ({ $stages }): слово руководителя о карточке стоит выше более поздней проверки, на любом этапе.
analytics-several-stages = { $count_n ->
    [one] { $count } карточка проверена
    [few] { $count } карточки проверены
   *[many] { $count } карточек проверено
} больше чем на одном этапе: каждый из этих этапов считает { $count_n ->
    [one] её
   *[other] их
} в своей выборке, а итоги и ответственные — один раз, по вердикту, который за карточкой остался; поэтому выборки этапов в сумме дают { $rows }, а всего { $total_n ->
    [one] проверена { $total } карточка
    [few] проверено { $total } карточки
   *[many] проверено { $total } карточек
}{ $disputed_n ->
    [0] {""}
    [one] {" "}(и ещё { $disputed }, о которой аудиторы разошлись: в выборку итогов она войдёт, когда решит руководитель)
    [few] {" "}(и ещё { $disputed }, о которых аудиторы разошлись: в выборку итогов они войдут, когда решит руководитель)
   *[many] {" "}(и ещё { $disputed }, о которых аудиторы разошлись: в выборку итогов они войдут, когда решит руководитель)
}.
analytics-total-lying = { $measured ->
    [yes] Врут: { $lying }
   *[other] Вероятно, врут: { $lying } ({ $low }–{ $high })
} из { $open } { $open_n ->
    [one] открытой карточки
   *[other] открытых карточек
} на { $stages_n ->
    [one] { $stages } этапе
   *[other] { $stages } этапах
} с проверенными карточками ({ $judged_n ->
    [one] проверена { $judged } карточка
    [few] проверено { $judged } карточки
   *[many] проверено { $judged } карточек
}, с ошибкой { $not_ok }); { $measured ->
    [yes] все эти открытые карточки проверены: это счёт, а не оценка.
   *[other] доля каждого этапа применена к его открытым карточкам, 95-процентные интервалы сложены.
}
analytics-total-lying-held = Сколько карточек врёт, пока не оценить: { $judged_n ->
    [one] проверена { $judged } карточка
    [few] проверено { $judged } карточки
   *[many] проверено { $judged } карточек
}, но { $stages_n ->
    [one] на { $stages } этапе с открытыми карточками проверено меньше { $min }
   *[other] на { $stages } этапах с открытыми карточками проверено меньше чем по { $min }
}; проверьте там ещё { $needed } { $needed_n ->
    [one] карточку
    [few] карточки
   *[many] карточек
}, чтобы получить оценку.
analytics-disputed = ({ $count ->
    [one] { $count } карточка, по которой аудиторы разошлись, в порядке ли она, не учтена
    [few] { $count } карточки, по которым аудиторы разошлись, в порядке ли они, не учтены
   *[many] { $count } карточек, по которым аудиторы разошлись, в порядке ли они, не учтены
}, пока не решит руководитель: `okk lead`, фильтр `{ $filter }`)
analytics-window-since = проверки с { $since }
analytics-window-until = проверки по { $until }
analytics-window-between = проверки с { $since } по { $until }
analytics-since-after-until = --since { $since } позже --until { $until }: между ними не может быть ни одной проверки

analytics-col-stage = Этап
analytics-col-cards = Карточек
analytics-col-flagged = С флагом
analytics-col-reviewed = Проверено
analytics-col-gone = Нет в CRM
analytics-col-judged = Выборка
analytics-col-open = Открытых
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
analytics-marked = { $mark }: { $stages }
analytics-left-out = Не показаны, чтобы таблица уместилась в ширину { $cols } (их покажут `okk stats --json` и терминал пошире): { $columns }
analytics-judged-before-change = оценка по проверкам до версии { $version } воронки, изменившей этап ({ $change }): { $before } из { $judged } { $before_n ->
    [one] проверена
   *[other] проверены
} до неё
analytics-lies-most-before-change = Оценка по проверкам до версии { $version } воронки, изменившей этап ({ $change }): { $before } из { $judged } { $before_n ->
    [one] проверена
   *[other] проверены
} до неё.
analytics-manager-judged-before-change = оценка по проверкам на { $count ->
    [one] этапе
   *[other] этапах
} { $stages } до версии { $version } воронки, изменившей { $count ->
    [one] этап
   *[other] эти этапы
} ({ $change }): { $before } из { $judged } { $before_n ->
    [one] проверена
   *[other] проверены
} до неё
analytics-make-up-added = новый этап
analytics-make-up-merge = слияние
analytics-make-up-split = разделение
analytics-make-up-merge-and-split = слияние и разделение
analytics-returned = ({ $count ->
    [one] { $count } проверка, возвращённая руководителем, не учтена, пока её не проведут заново
    [few] { $count } проверки, возвращённые руководителем, не учтены, пока их не проведут заново
   *[many] { $count } проверок, возвращённых руководителем, не учтены, пока их не проведут заново
})
analytics-without-card = ({ $count ->
    [one] { $count } проверка карточки, которой больше нет в хранилище, не учтена
    [few] { $count } проверки карточек, которых больше нет в хранилище, не учтены
   *[many] { $count } проверок карточек, которых больше нет в хранилище, не учтены
} ни в одной цифре: их карточки убрал okk db prune; они снова будут учтены, если импорт вернёт карточки)

analytics-no-reviews = Проверок пока нет: когда аудиторы проверят карточки, okk назовёт этап, карточки которого врут больше всех.
analytics-none-in-window = Проверок в окне нет ({ $window }): окно не захватывает ни одной текущей проверки хранилища (всего { $count }, { $span }).
analytics-left-out-span = { $same ->
    [yes] за { $first }
   *[other] с { $first } по { $last }
}
analytics-none-judged = Ни одна карточка ещё не оценена окончательно: проверенные ждут руководителя (возвращены или аудиторы разошлись).
analytics-too-few = Слишком мало проверенных карточек, чтобы назвать этап, который врёт больше всех: { $stages ->
    [one] { $count } этап с ошибками имеет меньше { $min } проверенных карточек.
    [few] { $count } этапа с ошибками имеют меньше { $min } проверенных карточек каждый.
   *[many] { $count } этапов с ошибками имеют меньше { $min } проверенных карточек каждый.
}
analytics-no-stage-lies = Ни один этап не врёт: каждая проверенная карточка такова, как говорит её этап.
analytics-lies-most = Врёт больше всех: «{ $stage }» — с ошибкой { $not_ok } из { $judged_n ->
    [one] { $judged } проверенной карточки
   *[other] { $judged } проверенных карточек
} ({ $share }{ $unclear_n ->
    [0] {""}
   *[other] ; из них неясно: { $unclear }
}){ $measured ->
    [yes] : { $lying_n ->
        [one] врёт
       *[other] врут
    } { $lying } из { $open_n ->
        [one] { $open } его открытой карточки
       *[other] { $open } его открытых карточек
    }, проверены все.
   *[other] , значит, врут примерно { $lying } из { $open_n ->
        [one] { $open } его открытой карточки
       *[other] { $open } его открытых карточек
    } (95-процентный интервал { $low }–{ $high }).
}
analytics-why-none = Почему: на этих карточках ни один пункт чек-листа не провален.
analytics-why = Почему: { $items }{ $unanswered_n ->
    [0] {""}
   *[other] ; на { $unanswered } из { $not_ok } { $not_ok_n ->
        [one] карточки
       *[other] карточек
    } с ошибкой пункты чек-листа без ответа (ни «да», ни «нет»)
}.
analytics-why-unanswered = Почему: неизвестно — на { $unanswered } из { $not_ok } { $not_ok_n ->
    [one] карточки
   *[other] карточек
} с ошибкой пункты чек-листа без ответа (ни один не отмечен ни «да», ни «нет»){ $answered_n ->
    [0] {""}
    [one] , а на оставшейся { $answered } карточке ни один пункт не провален
   *[other] , а на оставшихся { $answered } карточках ни один пункт не провален
}.
analytics-why-item = «{ $item }» (провален в { $failed } из { $not_ok })

analytics-no-owner = (без ответственного)
analytics-unranked-managers = † меньше { $min } проверенных карточек: вне рейтинга, в конце по числу карточек ({ $count ->
    [one] { $count } ответственный
    [few] { $count } ответственных
   *[many] { $count } ответственных
})
analytics-managers-title = Ответственные (нынешние владельцы карточек; сначала те, у кого больше всего карточек, которые врут)

analytics-bottlenecks-title = Узкие места: где карточки, вероятно, врут (доля проверенных карточек с ошибкой × открытых карточек там)
analytics-bottlenecks-none = нет: ни одна проверенная карточка не расходится со своим этапом
analytics-bottlenecks-none-in-window = нет: в окне ни одной проверки
analytics-unranked-stages = ({ $count ->
    [one] { $count } этап
    [few] { $count } этапа
   *[many] { $count } этапов
} с ошибками, но меньше чем с { $min } проверенными карточками: вне рейтинга)
analytics-unranked-more-stages = (ещё { $count ->
    [one] { $count } этап
    [few] { $count } этапа
   *[many] { $count } этапов
} с ошибками, но меньше чем с { $min } проверенными карточками: вне рейтинга)
analytics-unranked-pairs = (пар «этап · ответственный» хотя бы с { $min } проверенными карточками нет; { $count ->
    [one] { $count } пара с ошибками
    [few] { $count } пары с ошибками
   *[many] { $count } пар с ошибками
}, но меньше чем с { $min } проверенными карточками: вне рейтинга)
analytics-unranked-more-pairs = (ещё { $count ->
    [one] { $count } пара «этап · ответственный»
    [few] { $count } пары «этап · ответственный»
   *[many] { $count } пар «этап · ответственный»
} с ошибками, но меньше чем с { $min } проверенными карточками: вне рейтинга)
analytics-more = … и ещё { $count } (okk stats --table bottlenecks --csv)

analytics-trend-title = Тренд по неделям (с понедельника по воскресенье)
analytics-trend-none = проверок пока нет
analytics-trend-none-in-window = в окне проверок нет ({ $window }); текущих проверок в хранилище: { $count }, { $span }
analytics-percent = { $n } %
analytics-score-of = { $score } (n={ $n })
