# Что говорит `okk funnel suggest`: предложения, названия предлагаемых этапов, комментарии,
# которые он пишет в файл воронки, и сообщения `--apply` (src/text/suggest.rs).

suggest-stage-silent-after = { $stage } — без активности
suggest-stage-between = { $from } → { $to }
suggest-patch-after = новый этап сразу после «{ $stage }»
suggest-patch-added = Добавлен `okk funnel suggest` после «{ $stage }»: назовите его так, как его называют в отделе.
suggest-patch-removed = убрать этап «{ $stage }»; его названия становятся псевдонимами (aliases) этапа:
suggest-apply-no-stages = в файле воронки нет [[stages]] — менять нечего
suggest-apply-no-stage = в файле воронки больше нет этапа «{ $stage }»: запустите `okk funnel suggest` заново
suggest-silent-tail = Отделите от «{ $stage }» карточки без активности: у { $silent } из { $open ->
    [one] { $open } открытой карточки
   *[other] { $open } открытых карточек
} ({ $share }) поле «{ $field }» заполнено { $days }+ { $days ->
    [one] день
    [few] дня
   *[other] дней
} назад, и активности с тех пор не было; дайте им свой этап и свой лимит простоя.
suggest-bind-field = Привяжите поле «{ $field }»: его заполняют на { $kept }, но не на { $not_kept }; привяжите его к этим этапам и сделайте на них обязательным.
suggest-bind-column = Привяжите столбец «{ $field }»: его заполняют на { $kept }, но не на { $not_kept }; привяжите его к этим этапам и сделайте на них обязательным.
suggest-limit-now = сейчас { $limit }
suggest-limit-none = сейчас лимита нет
suggest-idle-limit = Поставьте этапу «{ $stage }» лимит простоя { $days } { $days ->
    [one] день
    [few] дня
   *[other] дней
} ({ $now }): { $percentile }% из { $moves ->
    [one] { $moves } карточки, ушедшей
   *[other] { $moves } карточек, ушедших
} с него дальше, ушли в пределах { $days } { $days ->
    [one] дня
   *[other] дней
}.
suggest-merge-stage = Объедините «{ $stage }» с «{ $into }»: из { $passing ->
    [one] { $passing } карточки, прошедшей
   *[other] { $passing } карточек, прошедших
} через него, { $skipped } его пропустили, а { $within_a_day } ушли с него за сутки ({ $share }).
suggest-last-entry = последняя — { $day }
suggest-no-entry = не попадала ни разу
suggest-drop-stage = Уберите «{ $stage }»: ни одна карточка не попадала на него за { $days } { $days ->
    [one] день
    [few] дня
   *[other] дней
} ({ $last }; сейчас на нём { $cards ->
    [one] { $cards } карточка
    [few] { $cards } карточки
   *[other] { $cards } карточек
}).
suggest-extra-control = Поставьте «{ $stage }» на доп. контроль: аудиторы признали ошибочными { $not_ok } из { $cards ->
    [one] { $cards } проверенной карточки
   *[other] { $cards } проверенных карточек
} на нём ({ $share }).
suggest-missing-between = Добавьте этап между «{ $from }» и «{ $to }»: аудиторы перенесли из одного в другой { $reviews ->
    [one] { $reviews } карточку
    [few] { $reviews } карточки
   *[other] { $reviews } карточек
}; возможно, в воронке не хватает промежуточного шага.
suggest-missing-named = Добавьте этап «{ $to }» после «{ $from }»: аудиторы указали его для { $reviews ->
    [one] { $reviews } карточки
   *[other] { $reviews } карточек
} на этом этапе.
suggest-none = Предложений нет: данные не дают повода менять воронку.
suggest-apply-hint = Применить одно из них: `okk funnel suggest --apply N`.
suggest-no-such = предложения { $n } нет: в этом запуске их { $count } (см. `okk funnel suggest`)
suggest-cannot-apply = не удаётся применить к { $path }: { $why }
suggest-applied = Записан { $path }; прежняя воронка сохранена как { $kept }. Следующий запуск запишет новую версию.
suggest-applied-but-invalid =
    изменение сделало бы воронку недопустимой, ничего не записано:
    { $problems }
suggest-unknown-add = Добавьте этап «{ $stage }» после «{ $after }»: в нём { $cards ->
    [one] { $cards } карточка
    [few] { $cards } карточки
   *[other] { $cards } карточек
}, а в воронке такого этапа нет, и они оказываются «вне воронки».
suggest-unknown-renamed = Считайте «{ $stage }» этапом «{ $like }» — похоже, CRM его переименовала: в «{ $stage }» { $cards ->
    [one] { $cards } карточка
    [few] { $cards } карточки
   *[other] { $cards } карточек
}, такого этапа в воронке нет, большинство из них пришло из «{ $like }», а в «{ $like }» теперь нет ни одной карточки.
suggest-unknown-alike = Считайте «{ $stage }» этапом «{ $like }»: в «{ $stage }» { $cards ->
    [one] { $cards } карточка
    [few] { $cards } карточки
   *[other] { $cards } карточек
}, такого этапа в воронке нет, а название близко к «{ $like }».
suggest-mismatch = Воронка не подходит к хранилищу: в { $unused } из { $open } её открытых этапов за { $days } { $days ->
    [one] день
    [few] дня
   *[other] дней
} не вошла ни одна карточка, а { $unknown } из { $cards } карточек стоят на этапах, которых в ней нет. Убирать её этапы по одному тут не поможет, поэтому такие предложения не выводятся; лучше начать воронку по хранилищу: `okk funnel init --from-store --out ФАЙЛ`.
suggest-one-sitting = История хранилища записана за один присест (все импорты и синхронизации — с { $from } по { $to }): { $stays ->
    [one] { $stays } переход после пребывания на этапе не дольше суток не учтён
    [few] { $stays } перехода после пребывания на этапе не дольше суток не учтены
   *[other] { $stays } переходов после пребывания на этапе не дольше суток не учтены
} в лимитах простоя и слияниях этапов. Переход, который файл не датировал правкой сделки, датирован часами импорта, и такое пребывание может мерить время между двумя импортами, а не время карточки на этапе; более долгие пребывания — даты самих файлов.
suggest-removed-stage = Уберите «{ $stage }» — похоже, CRM убрала его, добавив «{ $added }»: в «{ $stage }» теперь нет ни одной карточки, а из { $left ->
    [one] { $left } карточки, ушедшей
   *[other] { $left } карточек, ушедших
} с него с тех пор, { $went } { $went ->
    [one] ушла
   *[other] ушли
} в «{ $into }» (его название станет псевдонимом «{ $into }») и лишь { $to_added } — в «{ $added }»: для переименования этого мало.
