# Что говорит `okk funnel history`, изменения версии воронки и `okk stats --funnel-version`
# с разделом отчёта «до и после» (src/text/versions.rs).

versions-not-recorded = примечание: эта версия воронки не записана в хранилище ({ $why })
versions-no-limit = нет
versions-first = первая версия, с которой okk работал на этом хранилище
versions-stages-added = добавлены этапы: { $stages }
versions-stages-removed = удалены этапы: { $stages }
versions-merged = «{ $stage }» слит с «{ $into }» (этап удалён, его названия теперь псевдонимы «{ $into }»: его карточки считаются там)
versions-renamed = переименован «{ $from }» → «{ $to }»
versions-alias-added = «{ $alias }» теперь псевдоним «{ $stage }» (его карточки считаются там)
versions-alias-removed = «{ $alias }» больше не псевдоним «{ $stage }»
versions-bound = «{ $field }» привязано к «{ $stage }»
versions-unbound = «{ $field }» больше не привязано к «{ $stage }»
versions-limit = «{ $stage }»: лимит простоя { $from } → { $to }
versions-extra-control-on = «{ $stage }» на доп. контроле
versions-extra-control-off = «{ $stage }» больше не на доп. контроле
versions-no-change = этапы, псевдонимы, привязанные поля и лимиты не менялись (чек-листы, правила или формулировки)
versions-none = Версий воронки ещё нет: версия записывается, когда okk впервые проверяет карточки по воронке.
versions-version = версия «{ $name }», впервые применена { $day } (хеш { $hash })
versions-no-such = в этом хранилище нет версии воронки { $version }: см. `okk funnel history`
versions-side = с ошибкой { $mismatches } из { $judged ->
    [one] { $judged } проверенной карточки
   *[other] { $judged } проверенных карточек
} ({ $mismatch_rate }); ушли дальше { $moved_on } из { $entered ->
    [one] { $entered } попавшей
   *[other] { $entered } попавших
} ({ $conversion }); медиана дней на этапе: { $days }
versions-before-after = До и после версии воронки { $version } (впервые применена { $moment }; проверки — по версии, при которой каждая сделана, попадания на этап — по этому моменту):
versions-before = до:    { $side }
versions-after = после: { $side }
versions-before-none = до:    нет — этап добавила версия { $version }; «после» считает все попадания на него и все проверки на нём
versions-idle-now = медиана дней простоя сейчас: { $days }
versions-stage-added = добавлен версией { $version }
versions-stage-removed = удалён версией { $version } (был в версии { $previous })
versions-stage-merged = слит версией { $version } с «{ $into }» (был в версии { $previous }): его карточки теперь считаются там
versions-stage-merged-from = версия { $version } слила с ним { $stages }: «до» считает и проверки, сделанные там
versions-emptied-into = из ушедших дальше до неё { $moves } { $moves ->
    [one] ушла
   *[other] ушли
} в «{ $stage }» уже после того, как на этап попала последняя карточка: этап опустел туда — скорее всего, это само удаление, а не работа с карточками
versions-stage-renamed = переименован версией { $version } из «{ $from }»
versions-stage-split = разделён версией { $version }: заметная часть карточек перешла { $count ->
    [one] на этап { $stages }, добавленный ею
   *[other] на этапы { $stages }, добавленные ею
}
versions-stage-changed = изменён версией { $version }
versions-stage-not-current = нет в воронке, с которой okk работает сейчас
versions-cards-now = карточек на этапе сейчас: { $count }
versions-cards-not-in-version = карточек на этапе сейчас: { $count }, а в версии { $version } такого этапа нет
versions-not-in-version = Карточки сейчас на этапах, которых нет в версии { $version }: { $stages }
versions-unchanged-left-out = Этапы, которые версия { $version } не меняла, не показаны: { $count }
versions-read-with-current = Текст версии { $version } больше не читается как воронка: этапы названы так, как их называет воронка, с которой okk работает сейчас.
versions-removed-unread = Этапы, удалённые версией { $version }, без разбивки (текст предыдущей версии больше не читается как воронка): { $stages }
versions-report-title = До и после версии воронки { $version }
versions-report-note = Этапы, которые затронуло изменение, до и после него — проверки по версии воронки, при которой каждая сделана, попадания на этап — по моменту { $moment }, когда okk впервые с ним запустился: проверенные карточки с ошибкой, доля ушедших дальше из попавших на этап и медиана дней на этапе у ушедших — каждая со своей выборкой.
versions-column-stage = Этап
versions-column-not-ok-before = С ошибкой до
versions-column-moved-before = Ушли дальше до
versions-column-days-before = Дней до
versions-column-not-ok-after = С ошибкой после
versions-column-moved-after = Ушли дальше после
versions-column-days-after = Дней после
versions-no-before = нет: этап добавила версия { $version }
versions-column-idle-now = Дней простоя сейчас
