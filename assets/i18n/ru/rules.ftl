# Предложения флагов (src/text/rules.rs): что правило этапа нашло в карточке, с доказательством так,
# как его записала CRM. $field — поле, как его называет `rules-field-*` (в «»); даты — ДД.ММ.ГГГГ.

rules-today = сегодня
rules-yesterday = вчера
rules-tomorrow = завтра
rules-days-ago = { $count ->
    [one] { $count } день назад
    [few] { $count } дня назад
    [many] { $count } дней назад
   *[other] { $count } дня назад
}
rules-days-ahead = { $count ->
    [one] через { $count } день
    [few] через { $count } дня
    [many] через { $count } дней
   *[other] через { $count } дня
}

rules-custom-field = «{ $name }»
rules-field-external-id = «ID в CRM»
rules-field-title = «Название»
rules-field-stage = «Этап»
rules-field-pipeline = «Воронка»
rules-field-owner = «Ответственный»
rules-field-amount = «Бюджет»
rules-field-currency = «Валюта»
rules-field-created-at = «Дата создания»
rules-field-updated-at = «Дата изменения»
rules-field-closed-at = «Дата закрытия»
rules-field-expected-close-at = «Ожидаемая дата закрытия»
rules-field-last-activity-at = «Последняя активность»
rules-field-closed = «Закрыта»
rules-field-won = «Успешна»
rules-field-status = «Статус»
rules-field-contact = «Контакт»
rules-field-company = «Компания»
rules-field-phone = «Телефон»
rules-field-email = «Эл. почта»
rules-field-tags = «Теги»
rules-field-notes = «Примечания»

rules-required-empty = не заполнено поле { $field }, обязательное на этапе «{ $stage }»
rules-idle = нет активности { $days ->
    [one] { $days } день
    [few] { $days } дня
    [many] { $days } дней
   *[other] { $days } дня
} (последняя — { $last }); на этапе «{ $stage }» допустимо { $allowed }
rules-idle-far = нет активности { $days ->
    [one] { $days } день
    [few] { $days } дня
    [many] { $days } дней
   *[other] { $days } дня
} (последняя — { $last }): в { $times_n ->
    [one] { $times } раз
    [few] { $times } раза
   *[many] { $times } раз
} дольше, чем допускает этап «{ $stage }» ({ $allowed ->
    [one] { $allowed } день
    [few] { $allowed } дня
    [many] { $allowed } дней
   *[other] { $allowed } дня
})
rules-not-a-date = в поле { $field } записано «{ $raw }» — это не дата (ДД.ММ.ГГГГ); на этапе «{ $stage }» там нужна дата
rules-date-passed = поле { $field }: { $day } — уже в прошлом ({ $distance }), а карточка на этапе «{ $stage }»
rules-date-not-future = поле { $field }: { $day } — не в будущем ({ $distance }), а карточка на этапе «{ $stage }»
rules-date-not-past = поле { $field }: { $day } — ещё впереди ({ $distance }), а карточка уже на этапе «{ $stage }»
rules-date-after-other = поле { $field } ({ $day }) позже поля { $other } ({ $other_day }); на этапе «{ $stage }» так быть не должно
rules-date-before-other = поле { $field } ({ $day }) раньше поля { $other } ({ $other_day }); на этапе «{ $stage }» так быть не должно

rules-said-notes = в примечаниях
rules-said-tags = в тегах
rules-said-title = в названии
rules-meaning-lost = похоже на мёртвый лид
rules-meaning-sold = похоже, сделка уже продана
rules-meaning-other = маркер из списка «{ $list }»
rules-markers = { $said } «{ $quote }»: { $meaning }, а карточка на этапе «{ $stage }»

rules-closed-on-open = закрыта { $day }, но этап «{ $stage }» — открытый
rules-marked-closed-on-open = отмечена закрытой, но этап «{ $stage }» — открытый
rules-not-closed-on-closing = не отмечена закрытой, но этап «{ $stage }» — закрывающий
rules-moved-back = { $on } возвращена с этапа «{ $from }» на «{ $to }»
rules-skipped = { $count ->
    [one] на пути к этапу «{ $to }» ({ $on }) пропущен этап { $stages }, а его пропускать нельзя
   *[other] на пути к этапу «{ $to }» ({ $on }) пропущены этапы { $stages }, а их пропускать нельзя
}
rules-gone-since = нет в CRM (в выгрузке или при синхронизации) с { $since }, но не закрыта
rules-gone = нет в CRM (в последней выгрузке или синхронизации), но не закрыта
rules-unknown-stage = этапа «{ $stage }» нет в воронке
rules-no-task = не запланировано ни одной задачи, а карточка открыта на этапе «{ $stage }»
rules-task-overdue = срок ближайшей задачи был { $due } ({ $distance }), позже ничего не запланировано, а карточка открыта на этапе «{ $stage }»
