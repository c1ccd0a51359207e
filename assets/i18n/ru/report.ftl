# Страница `okk report` (src/text/report.rs): заголовки, подписи, названия столбцов и что говорит
# `okk report`, когда закончил. Простой текст: отчёт сам экранирует всё для HTML.

report-title = Аудит воронки — { $funnel }
report-all-reviews = все текущие проверки
report-generated = На { $at } · { $scope }
report-kpi-cards = карточек в воронке
report-kpi-reviews = проверок
report-kpi-not-ok = проверок с ошибкой
report-kpi-lying = карточек, вероятно, врут (сумма 95-процентных интервалов)
report-returned = { $n ->
    [one] { $count } проверка, возвращённая руководителем, не учтена
    [few] { $count } проверки, возвращённые руководителем, не учтены
   *[many] { $count } проверок, возвращённых руководителем, не учтены
}, пока их не проверят заново.

report-funnel = Воронка
report-funnel-note = Карточки на каждом этапе сейчас (красным — доля тех, что, вероятно, врут) и доля проверок этапа с вердиктом «не в порядке» (вердикт руководителя, если он изменил вердикт аудитора).
report-cards-now = Карточек сейчас
report-not-ok = Проверок с ошибкой
report-no-reviews = нет проверок

report-bottlenecks = Узкие места
report-bottlenecks-note = Где карточки, вероятно, врут: доля проверок с ошибкой, умноженная на число карточек там сейчас, в скобках — 95-процентный интервал (Уилсон): несколько проверок говорят немного. Этапы и ответственные меньше чем с 5 проверками в рейтинг не входят. Вероятная причина — пункты чек-листа, чаще всего проваленные в этих проверках.
report-no-bottlenecks = Нет: ни одна проверка не нашла карточку, не соответствующую этапу.
report-pairs = Ответственные на этапе

report-managers = Ответственные
report-managers-note = Нынешние владельцы карточек; сначала те, у кого больше всего карточек, которые, вероятно, врут; у оценки — 95-процентный интервал (Уилсон); ответственные меньше чем с 5 проверками в рейтинг не входят (в конце списка). Простой, дн.: медиана дней с последней активности по их открытым карточкам.
report-not-ranked = вне рейтинга: меньше 5 проверок
report-unranked-stages = { $n ->
    [one] { $count } этап с ошибками имеет
    [few] { $count } этапа с ошибками имеют
   *[many] { $count } этапов с ошибками имеют
} меньше { $min } проверок: вне рейтинга.
report-unranked-pairs = { $n ->
    [one] { $count } ответственный на этапе с ошибками имеет
   *[many] { $count } ответственных на этапе с ошибками имеют
} меньше { $min } проверок: вне рейтинга.
report-no-owner = (без ответственного)

report-trend = Тренд по неделям
report-trend-note = Проверки за неделю ISO (столбцы) и доля проверок с ошибкой (линия).
report-no-trend = Проверок пока нет.

report-auditors = Аудиторы
report-auditors-note = Проверки, темп и решения руководителя по ним; эталон — совпадение с руководителем на калибровочных карточках.
report-no-auditors = Проверок пока нет.

report-col-stage = Этап
report-col-manager = Ответственный
report-col-auditor = Аудитор
report-col-cards = Карточек
report-col-flagged = С флагом
report-col-reviews = Проверок
report-col-not-ok = С ошибкой
report-col-likely-lying = Вероятно, врут
report-col-score = Балл
report-col-idle-days = Простой, дн.
report-col-fails-most = Чаще всего не выполнено
report-col-where = Где
report-col-likely-cause = Вероятная причина
report-col-per-hour = В час
report-col-median-s = Медиана, с
report-col-decided = Решено
report-col-accepted = Принято
report-col-overridden = Изменено
report-col-returned = Возвращено
report-col-reference = Эталон

report-share-of = { $share } из { $whole }
report-of = { $part } из { $whole } ({ $share })
report-week-axis = { $n ->
    [one] { $count } проверка
    [few] { $count } проверки
   *[many] { $count } проверок
}
report-lying-of = { $lying } из { $cards } · { $share } с ошибкой
report-wrote = okk: отчёт записан в { $path }
