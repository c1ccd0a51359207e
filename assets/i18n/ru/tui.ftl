# Экраны аудитора и руководителя (src/text/tui.rs).

tui-unknown-mode = неизвестный экран `{ $name }`: ожидается funnel, queue, card, filter, picker, comment, input или help
tui-unknown-action = неизвестное действие `{ $name }`: ожидается одно из { $names }
tui-bad-key = `{ $key }` — не клавиша: укажите символ (`a`, `G`), `ctrl-x`, `alt-x` или enter, esc, space, backspace, tab, ↑ ↓ ← → (или up, down, left, right), PgUp, PgDn, Home, End, Del, f1…f12
tui-key-reserved = `{ $key }` на любом экране выходит из okk и ничего другого означать не может: выберите другую клавишу
tui-key-taken = `{ $key }` на этом экране уже означает `{ $action }`: переназначьте и `{ $action }` или выберите другую клавишу
tui-bad-lang = `lang = "{ $value }"`: ожидается "ru" или "en"
tui-store-failed = не сохранено: { $error } (нажмите клавишу ещё раз, чтобы повторить)
tui-verdict-ok = в порядке
tui-verdict-wrong-stage = не тот этап
tui-verdict-stale = устарела
tui-verdict-dead = мёртвый лид
tui-verdict-unclear = неясно
tui-verdict-given = мой вердикт: { $verdict }
tui-saved = #{ $id } сохранено: { $verdict }
tui-saved-critical-failed = #{ $id } сохранено: { $verdict }, критичный «{ $item }» не выполнен: балл 0 % (u — отмена)
tui-busy-import = идёт импорт
tui-busy-rules = идёт проверка правил
tui-busy-other = в неё пишет другая программа
tui-saving = #{ $id } сохраняется… (база занята: { $why }); карточка остаётся, пока не сохранится
tui-store-busy = не сохранено: база занята ({ $why }); нажмите клавишу ещё раз, когда она освободится
tui-saving-failed = #{ $id } ещё не сохранено: { $error } (сохранено в журнале, повторяю)
tui-draft-busy-on-quit = черновик комментария не сохранён: база занята ({ $why }); выйдите ещё раз, чтобы уйти без него
tui-left-pending = { $count ->
    [one] okk: { $count } вердикт ждёт базу; он хранится в { $file }, и okk запишет его, когда в следующий раз откроет базу
    [few] okk: { $count } вердикта ждут базу; они хранятся в { $file }, и okk запишет их, когда в следующий раз откроет базу
   *[other] okk: { $count } вердиктов ждут базу; они хранятся в { $file }, и okk запишет их, когда в следующий раз откроет базу
}
tui-kept-here = #{ $id } сохранён на этом компьютере: нет связи с сервером; okk запишет его, когда сервер ответит
tui-no-link = нет связи с сервером: okk пробует снова; вердикты пока хранятся на этом компьютере
tui-link-back = { $count ->
    [0] связь с сервером восстановлена
    [one] связь с сервером восстановлена: { $count } вердикт, сохранённый на этом компьютере, записан
    [few] связь с сервером восстановлена: { $count } вердикта, сохранённых на этом компьютере, записаны
   *[other] связь с сервером восстановлена: { $count } вердиктов, сохранённых на этом компьютере, записаны
}
tui-draft-unreachable-on-quit = черновик комментария не сохранён: нет связи с сервером; выйдите ещё раз, чтобы выйти без него
tui-writes-pending = { $count ->
    [one] запись в базу…
    [few] запись в базу ({ $count } записи)…
    [many] запись в базу ({ $count } записей)…
   *[other] запись в базу ({ $count } записи)…
}
tui-nothing-to-undo = нечего отменять
tui-open-review-first = сначала откройте проверку ({ $open }), чтобы решить по ней
tui-return-note-enter = вернуть
tui-nothing-to-undo-card = нечего отменять с открытия проверки; изменить прежний вердикт: { $all } в очереди
tui-nothing-to-undo-reviewed = нечего отменять с открытия проверки; новый вердикт заменит этот: { $verdicts }
tui-undo-other-stage = ваш последний вердикт (#{ $id }) на этапе «{ $stage }»: откройте тот этап, чтобы его отменить
tui-undo-not-listed = ваш последний вердикт (#{ $id }) не в этом списке: его покажет { $all } без фильтра
tui-undo-shows-last = ваш последний вердикт: #{ $id }, { $verdict }; { $key } отменит его
tui-undo-earlier = вердикт дан до открытия проверки: отмены нет, новый заменит его: { $verdicts }
tui-undone = вердикт по #{ $id } отозван: «{ $verdict }»; вашего вердикта по карточке нет
tui-undone-back = вердикт по #{ $id } отозван: «{ $verdict }»; снова в силе ваш «{ $before }»
tui-undone-held-by = вердикт по #{ $id } отозван; карточка теперь у { $auditor } и уходит из вашего списка
tui-card-removed = карточку #{ $id } убрали из хранилища (okk db prune), пока она была на экране: её больше нет в списке; показана следующая
tui-card-removed-verdict = карточку #{ $id } убрали из хранилища (okk db prune): вердикт «{ $verdict }» не сохранён; её больше нет в списке, показана следующая
tui-card-removed-draft = карточку #{ $id } убрали из хранилища (okk db prune): набранное на ней не сохранено; её больше нет в списке, показана следующая
tui-changed-on-screen = карточка #{ $id } изменилась в CRM, пока была на экране: { $fields } — посмотрите её ещё раз
tui-changed-on-screen-unlisted = карточка #{ $id } изменилась в CRM, пока была на экране — посмотрите её ещё раз
tui-changed-on-screen-refused = карточка #{ $id } изменилась в CRM, пока была на экране: { $fields } — вердикт «{ $verdict }» не сохранён; посмотрите её ещё раз
tui-changed-on-screen-refused-unlisted = карточка #{ $id } изменилась в CRM, пока была на экране — вердикт «{ $verdict }» не сохранён; посмотрите её ещё раз
tui-changed-on-screen-decision = карточка #{ $id } изменилась в CRM, пока была на экране: { $fields } — решение «{ $decision ->
    [accept] принять
    [override] заменить
   *[return] вернуть
}» не записано; посмотрите её ещё раз
tui-changed-on-screen-decision-unlisted = карточка #{ $id } изменилась в CRM, пока была на экране — решение «{ $decision ->
    [accept] принять
    [override] заменить
   *[return] вернуть
}» не записано; посмотрите её ещё раз
tui-stage-emptied = на этапе «{ $stage }» в хранилище не осталось карточек (их убрал okk db prune): снова воронка
tui-cards-removed = { $count ->
    [one] { $count } карточку этого списка убрали из хранилища (okk db prune): её больше нет в списке
    [few] { $count } карточки этого списка убрали из хранилища (okk db prune): их больше нет в списке
   *[many] { $count } карточек этого списка убрали из хранилища (okk db prune): их больше нет в списке
}
tui-funnel-changed = воронка хранилища сменилась (версия { $version }): здесь ещё прежняя воронка, и вердикты записываются по ней; выйдите и откройте okk заново
tui-sent-back-listed = { $count ->
    [one] руководитель вернул { $count } карточку: она снова в вашем списке (↩)
    [few] руководитель вернул { $count } карточки: они снова в вашем списке (↩)
   *[many] руководитель вернул { $count } карточек: они снова в вашем списке (↩)
}
tui-undo-decided = #{ $id }: вердикт { $decision ->
    [accept] принят
    [override] заменён
    [return] возвращён
   *[other] рассмотрен
} руководителем { $lead }, отмены нет — проверьте заново
tui-given-back-unlisted = { $count ->
    [one] { $count } карточка, которую вы держали, снова в общей очереди: её нет в списке
    [few] { $count } карточки, которые вы держали, снова в общей очереди: их нет в списке
   *[many] { $count } карточек, которые вы держали, снова в общей очереди: их нет в списке
}
tui-percent = { $n } %
tui-stage-done = Этап «{ $stage }» проверен
tui-stage-empty = На этапе «{ $stage }» нечего проверять
tui-stage-done-filtered = Этап «{ $stage }» проверен по фильтру «{ $filter }» (esc сбросит фильтр)
tui-stage-done-next = enter: этап «{ $next }», проверить: { $count }; q: назад
tui-stage-done-last = { $done }, и все остальные этапы тоже. q: назад
tui-all-done = На других этапах нечего проверять.
tui-typed-not-verdict = «{ $key }» нажата сразу за другими буквами: это похоже на набранное слово, а не на вердикт (поля для текста здесь нет; / — фильтр списка). Нажмите её ещё раз, чтобы вынести вердикт.
tui-too-small = okk нужен терминал не меньше 80×24; этот — { $width }×{ $height }. Увеличьте окно или нажмите ctrl-c для выхода: пока окно мало, клавиши не действуют.
tui-help = помощь
tui-help-title = Клавиши
tui-help-layout = Клавиши работают и в русской раскладке: ф — это a, ч — x, . — /, , — ?
tui-help-scrolls = j/k J/K прокрутка
tui-screen-funnel = воронка
tui-screen-queue = очередь
tui-screen-card = карточка
tui-screen-filter = фильтр
tui-screen-picker = выбор
tui-screen-comment = комментарий
tui-screen-input = ввод
tui-screen-help = справка
tui-screen-reviews = проверки
tui-screen-decide = решение
tui-screen-stats = статистика
tui-screen-fields = заполнение полей
tui-funnel-stage = Этап
tui-funnel-cards = Очередь
tui-funnel-to-review = Проверить
tui-funnel-flagged = Флаги
tui-funnel-mine = Мои
tui-extra-control = доп. контроль
tui-not-in-funnel = нет в воронке
tui-no-cards = Карточек пока нет: импортируйте выгрузку CRM командой `okk import ФАЙЛ` или загрузите сделки командой `okk sync`.
tui-queue-id = ID
tui-queue-title = Название
tui-queue-owner = Ответств.
tui-queue-idle = Дней
tui-queue-flags = Флаги
tui-queue-empty = Здесь нечего проверять.
tui-queue-no-match = Ни одна карточка здесь не подходит под «{ $filter }» (esc снимает фильтр).
tui-judged-by-others = #{ $id } проверена { $count ->
    [one] аудитором
   *[other] аудиторами
} { $auditors }
tui-queue-judged-by-others = Под «{ $filter }» здесь нет карточек для вас: { $cards }. Второе мнение — через okk calibrate new (esc снимает фильтр).
tui-queue-judged-unlisted = { $count ->
    [one] ещё { $count } проверенная карточка не показана: сузьте список фильтром ({ $key })
    [few] ещё { $count } проверенные карточки не показаны: сузьте список фильтром ({ $key })
   *[many] ещё { $count } проверенных карточек не показаны: сузьте список фильтром ({ $key })
}
tui-queue-mine-of = мои { $mine } из { $cards }
tui-queue-all = все карточки
tui-changed = изменена после вашей проверки
tui-returned = возвращена руководителем
tui-judged-by-other = проверена другим аудитором
tui-others-review = проверена аудитором { $auditor }: { $verdict }
tui-others-review-earlier = проверена аудитором { $auditor } до изменения в CRM: { $verdict }
tui-filter = фильтр
# A checklist item's weight in the score, beside its mark (`!`: a critical item).
tui-item-weight = вес { $weight }{ $critical ->
    [yes] !
   *[no] {""}
}
tui-checklist = Чек-лист
tui-no-checklist = У этого этапа в воронке нет чек-листа.
tui-score-unanswered = без ответа: { $count }
# The checklist's box cut short: items hidden above and below the ones it shows.
tui-items-above = ↑ ещё { $count }
tui-items-below = ↓ ещё { $count }
tui-items-failing = { $items } · ✘? { $count }
tui-suggestion = Предложение
tui-stage-arrow = этап →
tui-owner-arrow = ответств. →
tui-owner-already = { $owner } уже ответственный за карточку: ответственный не предложен
tui-owner-replaced = предложен ответственный { $owner } вместо { $was }
tui-comment = комментарий
tui-your-verdict = ваш вердикт
tui-owner = Ответств.
tui-budget = Бюджет
tui-stage = Этап
tui-path = Путь
tui-since = с
tui-since-days = { $count } дн.
tui-activity = Активность
tui-idle = простой
tui-created = Создана
tui-contact = Контакт
tui-fields = Поля
tui-notes = Примечания
tui-tags = Теги
tui-empty = — пусто
tui-gone = пропала из CRM
tui-stage-in-crm = в CRM: { $name }
tui-closed = закрыта
tui-pick-stage = Перенести на этап
tui-pick-owner = Передать ответственному
tui-pick-field = Исправить поле
tui-not-in-crm-pipeline = нет в воронке CRM
tui-not-in-crm-pipeline-means = нет в воронке CRM: okk export crm не выгрузит переход
tui-other-source = из другого источника
tui-other-source-means = из другого источника: в карточках «{ $source }» такого ответственного нет, и CRM этой карточки может его не знать
tui-comment-title = Комментарий (enter сохраняет, alt-enter — новая строка)
tui-funnel-back-quits = выход
tui-comment-enter = сохранить
tui-text-esc = отмена
tui-comment-esc-kept = закрыть, текст останется
tui-discard-asked = ещё раз esc — набранное пропадёт; enter его сохранит
tui-comment-kept = комментарий сохранён в карточке: уйдёт вместе с вердиктом
tui-comment-removed = комментарий убран
tui-picker-no-match = ничего не найдено · по списку — { $keys }; буквы ищут
tui-days-ago = { $count ->
    [0] сегодня
    [one] { $count } день назад
    [few] { $count } дня назад
   *[many] { $count } дней назад
}
tui-came-after-day-judged = перешла сюда после дня оценки ({ $judged })
tui-after-day-judged = после дня оценки ({ $judged }): простой 0 дн.
tui-field-input-title = Новое значение «{ $field }»
tui-field-input-how = ввод заменяет · ← → Home End правка · пусто — убрать мою правку
tui-field-input-date = дата, 31.12.2026 · { $how }
tui-field-input-number = число, 1 250 000 · { $how }
tui-field-input-text = { $how }
tui-not-a-date = «{ $value }» — не дата: «{ $field }» принимает дату вида 31.12.2026 или 2026-12-31
tui-negative-amount = «{ $value }» — меньше нуля: «{ $field }» принимает бюджет от 0
tui-not-a-number = «{ $value }» — не число: «{ $field }» принимает число вида 1 250 000 или 1250000,50
tui-not-text = «{ $value }» — не текст: «{ $field }» принимает любой текст
tui-more-text = … ещё { $kb } КБ не показано
tui-more-notes = … ещё примечаний не показано: { $count }
tui-field-title = Название
tui-field-stage = Этап
tui-field-pipeline = Воронка
tui-field-owner = Ответственный
tui-field-amount = Бюджет
tui-field-currency = Валюта
tui-field-created-at = Создана
tui-field-updated-at = Изменена
tui-field-closed-at = Закрыта
tui-field-expected-close-at = Плановое закрытие
tui-field-last-activity-at = Последняя активность
tui-field-contact = Контакт
tui-field-company = Компания
tui-field-phone = Телефон
tui-field-email = Эл. почта
tui-field-tags = Теги
tui-field-notes = Примечания
tui-field-external-id = ID в CRM
tui-field-closed = Сделка закрыта
tui-field-won = Сделка успешна
tui-field-status = Статус сделки
tui-card-not-synced = карточка #{ $id } ещё не пришла с синхронизацией: сначала импортируйте выгрузку CRM
tui-accepted = #{ $id } принята
tui-overridden = #{ $id } вердикт заменён
tui-sent-back = #{ $id } возвращена
tui-all-decided = Ни одна проверка не ждёт решения.
tui-all-decided-here = По этому фильтру ни одна проверка не ждёт решения; вне его { $count ->
    [one] ждёт ещё { $count }
    [few] ждут ещё { $count }
   *[many] ждут ещё { $count }
} (esc снимает фильтр).
tui-decision-undone = решение отозвано
tui-lead = руководитель
tui-pick-verdict = Заменить вердиктом
tui-return-note = Заметка аудитору (enter возвращает проверку)
tui-lead-card = Карточка
tui-lead-stage = Этап
tui-lead-auditor = Аудитор
tui-lead-verdict = Вердикт
tui-lead-score = Балл
tui-lead-suggestion = Правка
tui-lead-field = поле: { $field }
tui-lead-fields = { $count ->
    [one] { $count } поле
    [few] { $count } поля
   *[many] { $count } полей
}
tui-lead-age = Ждёт
tui-lead-filter-help = / { $auditor }:ИМЯ { $stage }:ЭТАП { $verdict }:СЛОВО { $since }:ДАТА { $until }:ДАТА { $disagree } { $calibration } { $source }:ИМЯ
# Ключевые слова фильтра списка руководителя: фильтр понимает слова каждого на любом языке,
# подсказка их показывает. Несколько слов — через пробел, первое показывает нижняя строка.
tui-filter-word-auditor = аудитор
tui-filter-word-stage = этап
tui-filter-word-verdict = вердикт
tui-filter-word-since = с
tui-filter-word-until = по
tui-filter-word-disagree = спор расходятся
tui-filter-word-calibration = калибровка
tui-filter-word-source = источник
tui-filter-bad-day = «{ $word }» — не дата: пишите ДД.ММ.ГГГГ или ГГГГ-ММ-ДД
tui-age-days = { $count } дн.
tui-age-hours = { $count } ч
tui-age-now = <1 ч
tui-reviews-empty = Ни одна проверка не подходит (t покажет и решённые).
tui-review = Проверка
tui-spent = затрачено { $time }
tui-disagrees = ⚠ «в порядке» при критичном флаге правил
tui-by-auditor = аудитор { $auditor }
tui-lead-accepted = руководитель { $lead }: принято
tui-lead-overridden = руководитель { $lead }: заменено → { $verdict }{ $stage }{ $owner }
tui-override-keeps-owner = ответств. → { $owner } (предложение аудитора) тоже уйдёт в CRM
tui-lead-sent-back = руководитель { $lead }: возвращено
tui-lead-note = заметка руководителя { $lead }
tui-calibration = калибровка
tui-others = другие
tui-others-at-stage = на этапе «{ $stage }»
tui-auditors-split = аудиторы расходятся, решает ваше слово
tui-card-settled = вердикт карточки — { $verdict }: руководитель { $lead } решил по проверке { $auditor }, { $at }
tui-came-after-decision = ↻ сделана после этого решения: для вас новая; вердикт карточки в силе, пока вы не решите эту проверку
tui-settled-with-card = ≡ решена вместе с карточкой этим решением (решите эту проверку, чтобы изменить карточку)
tui-review-card-changed = карточка изменилась после проверки
tui-review-card-moved = карточка изменилась после проверки: этап теперь «{ $now }»; чек-лист — этапа «{ $then }», на котором её проверяли
tui-review-stage-gone = этапа «{ $stage }», на котором проверяли карточку, больше нет в воронке: ответы показаны, как их записали
tui-item-not-in-funnel = { $id } (этого пункта больше нет в воронке)
tui-your-review-card-changed = ↻ карточка изменилась после вашей проверки
tui-your-review-card-moved = ↻ карточка изменилась после вашей проверки: проверена на этапе «{ $then }», теперь на «{ $now }»
tui-your-review-changed-fields = ↻ карточка изменилась после вашей проверки:
tui-review-changed-fields = карточка изменилась после проверки:
tui-more-changes = … и ещё { $count }
tui-other-fields = другие поля
tui-value-changed = изменено
tui-yes = да
tui-no = нет
tui-note-needed = напишите, что аудитору проверить ещё раз, затем enter
tui-reviews-title = Проверки · ждут решения { $waiting } из { $all }
tui-flags-from = флаги — как их нашли правила { $day }; `okk check` (или следующий импорт) их обновит
tui-auditor-unnamed = Своё имя задайте через --auditor ИМЯ или в config.toml; сейчас — «{ $name }»
tui-stats-stages = Этапы · карточки · доля не в порядке из n проверенных
tui-stats-managers = Менеджеры · бледные: n < 5, вне рейтинга
tui-stats-manager = Менеджер
tui-stats-cards = Карт.
tui-stats-reviews = n
tui-stats-not-ok = Не ок
tui-stats-idle = Дней
tui-stats-not-ok-counts = ошибки: не тот этап, устарела, мёртвый лид или неясно{ $unclear ->
    [0] {""}
   *[other] {" "}(неясно: { $unclear })
}
tui-stats-bottlenecks = Узкие места · ~врут (95 %) · не ок/n
tui-stats-before-change = * большинство карточек проверены до версии { $version } воронки, изменившей их этап (подробнее — okk stats)
tui-stats-unsampled = ~врут: карточки с флагами и без флагов оцениваются отдельно; не учтены открытые карточки, из вида которых на их этапе не проверено ни одной: { $count } { $count_n ->
    [one] карточка
    [few] карточки
   *[many] карточек
} (где — в okk stats)
tui-stats-too-few = Мало проверенных карточек для рейтинга: этапу или менеджеру нужно 5 проверенных карточек, чтобы его доля «не в порядке» попала в рейтинг.
tui-stats-n = n={ $count }
tui-stats-no-reviews = Проверок пока нет: узкие места считаются по вердиктам аудиторов.
tui-stats-trend = Проверок в день за { $days } дн.
tui-stats-last-week = { $week }: не ок { $share } из { $count }
tui-stats-week-head = { $week }:
tui-stats-week-figure = не ок { $share } из { $count }
tui-stats-totals = всего: не ок { $share } из { $count }
tui-stats-several-stages = во «всего» карточка один раз; выборки этапов в сумме { $rows } (почему — okk stats)
tui-stats-title = где воронка теряет
tui-fields-title = Заполнение доп. полей по этапам · объявленные в воронке первыми · f или q: назад к цифрам
tui-fields-none = Ни одно доп. поле пока не заполнено ни в одной карточке.
tui-fields-field = Поле
tui-fields-stage = Этап
tui-fields-kept-as = Воронка
tui-fields-filled = Запол.
tui-fields-rate = Доля
tui-fields-trend = По запускам
tui-fields-emptiest = Чаще пусто у
tui-fields-empty-of = пусто { $empty }/{ $cards }
tui-fields-bound-required = привяз., обязат.
tui-fields-bound = привязано
tui-fields-required = обязат.
tui-no-owner = (без ответственного)
tui-marks = Отметки
tui-flag-required = пустое поле, обязательное на этапе
tui-flag-idle = простаивает дольше, чем допускает этап
tui-flag-date = не выполнено правило дат (прошла, нет, не по порядку)
tui-flag-markers = примечания, теги или название говорят, что сделка выиграна или проиграна
tui-flag-closed-open = закрыта, но на открытом этапе, или открыта на закрытом
tui-flag-backwards = вернулась назад по воронке или перескочила этап
tui-flag-gone = пропала из CRM, но не закрыта
tui-flag-unknown-stage = этапа нет в воронке
tui-flag-no-task = открыта, а задачи в CRM нет
tui-word-required = обязат.
tui-word-idle = простой
tui-word-date = дата
tui-word-markers = маркеры
tui-word-closed-open = закрыта/открыта
tui-word-backwards = назад
tui-word-gone = пропала
tui-word-unknown-stage = нет в воронке
tui-word-no-task = нет задачи
tui-why-empty = поле пустое
tui-legend-returned = возвращена
tui-legend-draft = черновик
tui-legend-changed = изменена
tui-legend-judged-by-other = чужая
tui-filter-more = ? ещё
tui-legend-more = ещё — в помощи
tui-mark-funnel-extra = этап доп. контроля: проверяется первым
tui-mark-funnel-unknown = этап, который есть в карточках, но не в воронке
tui-mark-funnel-progress = мой прогресс: карточки с моим вердиктом из карточек этапа
tui-mark-funnel-mine-label = Мои
tui-mark-funnel-mine = карточки этапа с моим текущим вердиктом
tui-mark-queue-flags = по букве на флаг: RR — два флага одного правила
tui-mark-queue-idle-label = Дней
tui-mark-queue-idle = дней с последней активности или изменения
tui-mark-queue-draft = мой черновик: начатые и не оконченные вердикт или чек-лист (сохранены в хранилище)
tui-mark-queue-changed = изменена синхронизацией после моего вердикта: оценить снова
tui-mark-queue-calibration = калибровка: её проверяют все аудиторы, руководитель сравнивает
tui-mark-queue-returned = возвращена руководителем, с его заметкой
tui-mark-queue-judged-by-other = чужая (под t или фильтром): её проверил другой аудитор или ему её вернул руководитель
tui-mark-queue-place = (в заголовке) место в очереди из карточек на проверку
tui-mark-card-flag = флаг правила (красный или жирный: критичный; жёлтый или обычный: предупреждение)
tui-mark-card-items = пункт чек-листа: да / нет / неприменимо
tui-mark-card-suggested = предложенный ответ (бледный): засчитывается после подтверждения; a подтверждает все
tui-mark-card-unanswered = пункт без ответа и без предложения
tui-mark-card-scale = пункт-шкала: 3 балла из 5 (5/5 — полностью да); его цифра идёт вниз: 5 → 4 → … → 0 → н/п
tui-mark-card-hidden = пункты чек-листа, не вошедшие в рамку, ниже (выше: ↑); клавиша пункта покажет его
tui-mark-card-weight = вес пункта в балле
tui-mark-card-critical = критичный: «нет» обнуляет балл
tui-mark-card-score-label = балл
tui-mark-card-score = взвешенная доля «да»; н/п не считаются
tui-mark-card-empty-label = — пусто
tui-mark-card-empty = пустое поле, нужное этапу (красным)
tui-mark-card-unread = значение, которое импорт не смог прочесть, — как записано
tui-mark-card-idle-label = ⚠ простой
tui-mark-card-idle = нет активности дольше, чем допускает этап
tui-mark-card-correction = (предложение) поле X исправлено на Y
tui-mark-card-lead-note = ваш вердикт возвращён руководителем: его заметка целиком
tui-mark-reviews-column = отметки проверки рядом, каждая в своём столбце: все, что к ней относятся
tui-mark-reviews-accepted = принята руководителем
tui-mark-reviews-overridden = вердикт заменён руководителем: в строке — вердикт и предложение руководителя
tui-mark-reviews-returned = возвращена аудитору
tui-mark-reviews-settled = закрыта вместе с карточкой: руководитель решил по проверке другого аудитора, а эта сделана раньше
tui-mark-reviews-after = сделана после решения руководителя по карточке: ждёт руководителя, а пока в силе вердикт карточки
tui-mark-reviews-disagrees = «в порядке» при критичном флаге правил: смотреть первой
tui-mark-reviews-calibration = карточка калибровки: сравните аудиторов
tui-mark-reviews-later = более поздняя проверка карточки выше
tui-mark-reviews-split = аудиторы разошлись; решения пока нет
tui-mark-reviews-age-label = Ждёт
tui-mark-reviews-age = сколько проверка ждёт решения (у решённых пусто)
tui-mark-decide-scale = пункт-шкала: 3 балла из 5
tui-mark-decide-weight = вес; ! критичный: «нет» обнуляет балл
tui-mark-decide-disagrees = «в порядке» при критичном флаге правил
tui-mark-decide-split = аудиторы разошлись: рядом вердикты других
tui-mark-decide-calibration = калибровка: рядом вердикты других аудиторов
tui-all-cards-on = Все карточки: и закрытые, и пропавшие, и проверенные вами (t: только нужные)
tui-all-cards-off = Карточки к проверке: открытые и закрытые/пропавшие с флагом (t: все)
tui-crm-opened = открыто в браузере: { $url }
tui-crm-no-browser = { $url } — скопируйте (браузера нет)
tui-crm-no-link = нет ссылки на CRM: источник карточки «{ $source }» — не подключённая CRM (подключения — okk crm list)
tui-loading = загрузка…
