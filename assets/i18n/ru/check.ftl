# Сообщения `okk check` и `okk queue` (src/text/check.rs).

check-unknown-rule = неизвестное правило «{ $code }»; используйте одно из: { $codes }
check-unknown-stage = этапа «{ $name }» нет ни в воронке, ни в хранилище; этапы воронки: { $stages }
check-removed-alias = «{ $name }» — другое имя этапа «{ $stage }», который удалён версией воронки { $version }: { $about }
check-stage-reviews-only = на этапе «{ $name }» сейчас нет ни одной карточки: в воронке его нет, и ни одна карточка в хранилище на нём не стоит; { $count_n ->
    [one] на нём сделана { $count } проверка
    [few] на нём сделаны { $count } проверки
   *[many] на нём сделано { $count } проверок
} (их учитывает `okk stats`, показывают `okk lead` и `okk export`); этапы воронки: { $stages }
check-unknown-stage-store = ещё в хранилище есть карточки на этапах, которых нет в воронке: { $stages }
check-total = { $n ->
    [one] { $n } карточка с флагами
    [few] { $n } карточки с флагами
   *[other] { $n } карточек с флагами
}
check-queue = Очередь «{ $stage }» для { $auditor } (показано: { $count ->
    [one] { $count } карточка
    [few] { $count } карточки
   *[other] { $count } карточек
})
check-queue-released-stage = { $count ->
    [0] за { $auditor } не закреплено ни одной карточки этапа «{ $stage }»: возвращать нечего
    [one] в общую очередь вернулась { $count } карточка этапа «{ $stage }», закреплённая за { $auditor }
    [few] в общую очередь вернулись { $count } карточки этапа «{ $stage }», закреплённые за { $auditor }
   *[other] в общую очередь вернулось { $count } карточек этапа «{ $stage }», закреплённых за { $auditor }
}
check-queue-released-all = { $count ->
    [0] за { $auditor } не закреплено ни одной карточки: возвращать нечего
    [one] в общую очередь вернулась { $count } карточка, закреплённая за { $auditor }
    [few] в общую очередь вернулись { $count } карточки, закреплённые за { $auditor } (на всех этапах)
   *[other] в общую очередь вернулось { $count } карточек, закреплённых за { $auditor } (на всех этапах)
}
check-idle-days = { $days } дн.
check-flags-not-refreshed = okk: в хранилище пишет другой процесс okk; флаги показаны такими, какими их оставил прошлый запуск
check-flags-read-only = okk: хранилище здесь только для чтения (okk не может писать в его папку), и правила не могут заново проверить карточки: флаги показаны такими, какими их оставил прошлый запуск, за другой день или по другой воронке
check-flags-of-another-day = okk: флаги на сервере вынесены за другой день или по другой воронке и показаны как есть; их заново вынесет okk check руководителя (или следующий импорт)
check-old-export = примечание: самая новая активность среди карточек — { $newest }, за { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
} до оцениваемого дня ({ $judged }); если выгрузка настолько старая, оценивайте её на её день: --today { $today }
check-reattached = примечание: у { $count } { $count ->
    [one] проверенной карточки
   *[other] проверенных карточек
} сменилось только название этапа, которое теперь есть в воронке как псевдоним: это снова те карточки, что видели их проверки (больше не «изменена после проверки»)
check-activity-after-day = примечание: у части карточек есть активность после оцениваемого дня ({ $judged }), самая новая — { $newest }; простой у них считается равным 0 дней; чтобы оценить выгрузку на её день: --today { $today }
check-severity-info = инфо
check-severity-warning = внимание
check-severity-critical = критично
check-rule-required = обязательные поля
check-rule-idle = простой
check-rule-date = даты
check-rule-markers = маркеры
check-rule-closed-open = закрыта/открыта
check-rule-backwards = переход не по порядку
check-rule-gone = пропала
check-rule-unknown-stage = чужой этап
check-rule-no-task = нет задачи
