# Сообщения `okk export` (src/text/export.rs). Названия столбцов CRM, имена файлов и флаги командной
# строки остаются как есть.

export-exists = { $path }: файл уже есть; добавьте --force, чтобы заменить его, или выберите другой --out
export-cannot-write = { $path }: не удаётся записать выгрузку: { $error } (туда ничего не записано)
export-unknown-profile = профиля выгрузки «{ $name }» нет; используйте один из: { $names }
export-wrote-reviews = okk: { $count ->
    [one] { $count } проверка записана
    [few] { $count } проверки записаны
   *[many] { $count } проверок записано
} в { $path }
export-for-russian-excel = okk: для Excel с русскими настройками добавьте --delimiter ';' --bom (файл с «;» и меткой UTF-8)
export-changes-csv = изменения { $count ->
    [one] { $count } карточки
   *[many] { $count } карточек
}
export-changes-rest = { $count ->
    [one] { $count } вызов
    [few] { $count } вызова
   *[many] { $count } вызовов
} REST { $method } (по одному в строке; импорт файлом не умеет обновлять сделки)
export-wrote-changes = okk: { $what } для { $crm } записаны в { $path }
export-none-approved = okk: руководитель ещё не одобрил ни одного изменения (с --approved-only выгружаются только такие): решения по проверкам принимаются в `okk lead`; без --approved-only в файл попадает итоговый вердикт каждой карточки
export-changed-since-review = okk: { $count ->
    [one] { $count } из этих карточек изменилась в CRM после проверки: проверьте её
   *[many] { $count } из этих карточек изменились в CRM после проверки: проверьте их
} перед импортом (`okk export reviews` отмечает их в столбце «{ $column }»): { $cards }
export-card-now = #{ $card } (сейчас «{ $stage }»)
export-card-now-alias = #{ $card } (сейчас «{ $stage }», в CRM «{ $crm }»)
export-and-more = … и ещё { $count }
export-needs-lead = okk: { $count ->
    [one] { $count } карточка ждёт решения руководителя и не выгружена: её аудиторы не согласны
    [few] { $count } карточки ждут решения руководителя и не выгружены: их аудиторы не согласны
   *[many] { $count } карточек ждут решения руководителя и не выгружены: их аудиторы не согласны
}, а решения нет (`okk lead`, фильтр `{ $filter }`): { $cards }
export-gone-one = okk: карточки { $card } больше нет в CRM (её не было в более поздней полной выгрузке или синхронизации): её изменение не попало в файл
export-gone = okk: { $count ->
    [one] { $count } карточки
   *[other] { $count } карточек
} больше нет в CRM (их не было в более поздней полной выгрузке или синхронизации): их изменения не попали в файл: { $cards }
export-cannot-set = okk: внимание: импорт { $crm } не умеет задавать «{ $field }»: пропущено для { $count ->
    [one] { $count } карточки
   *[many] { $count } карточек
}; задайте вручную в { $crm }: { $cards }
export-cannot-set-rest = okk: внимание: строки REST, которые пишет okk для { $crm }, не задают «{ $field }»: пропущено для { $count ->
    [one] { $count } карточки
   *[many] { $count } карточек
}; задайте вручную в { $crm }: { $cards }
export-not-api-name = okk: внимание: импорт { $crm } сопоставляет столбец с полем по API-имени, а «{ $field }» — не оно (имена пользовательских полей оканчиваются на { $suffix }): записано для { $count ->
    [one] { $count } карточки
   *[many] { $count } карточек
}; сопоставьте столбец с полем вручную при импорте
export-ambiguous-system = okk: внимание: карточка { $id }: «{ $field }» — это столбец «{ $header }» выгрузки { $crm }, а под тем же заголовком там и системное поле { $crm }: импорт сопоставляет столбцы по заголовку и не отличит одно от другого, поэтому исправление в файл не записано; впишите «{ $value }» в это поле сделки { $id } в { $crm } вручную
export-ambiguous-custom = okk: внимание: карточка { $id }: «{ $field }» — это столбец «{ $header }» выгрузки { $crm }, а под тем же заголовком там есть ещё одно поле: импорт сопоставляет столбцы по заголовку и не отличит одно от другого, поэтому исправление в файл не записано; впишите «{ $value }» в это поле сделки { $id } в { $crm } вручную (или дайте этим полям там разные названия)
export-bad-value = okk: внимание: карточка { $id }: «{ $field }» = «{ $value }» — не { $kind }: записано как текст
export-defused = okk: внимание: карточка { $id }: «{ $field }» = «{ $value }» начинается как формула таблицы: записано с ' в начале, и импорт { $crm } его сохранит; уберите его там или в файле, если файл не открывают в таблице
export-time-dropped = okk: внимание: карточка { $id }: «{ $field }» = «{ $value }»: файл { $crm } принимает только день; время не записано
export-stage-not-in-pipeline = okk: этапа «{ $stage }» нет в воронке «{ $pipeline }» в CRM «{ $connection }»: { $count ->
    [1] карточка { $cards } не записана
   *[many] карточки { $cards } не записаны
} в файл; переведите { $count ->
    [1] её
   *[many] их
} в CRM вручную или добавьте название этапа в CRM к псевдонимам (aliases) этапа в воронке и выгрузите снова
export-pipeline-not-synced = okk: воронки «{ $pipeline }» нет среди тех, что прочла последняя синхронизация CRM «{ $connection }»: { $count ->
    [1] карточка { $cards } не записана
   *[many] карточки { $cards } не записаны
} в файл; запустите `okk sync { $connection }` и выгрузите снова
export-no-stage-id = okk: { $crm } принимает этап по id, а id этапов okk знает только для сделок, полученных через API CRM (`okk sync`, docs/sync.md), но не для карточек из файла выгрузки: перевод в «{ $stage }» не записан, { $count ->
    [1] карточка { $cards } не записана
   *[many] карточки { $cards } не записаны
} в файл; переведите { $count ->
    [1] её
   *[many] их
} в CRM вручную или подключите аккаунт и выгрузите снова после `okk sync`
export-stages-not-synced = okk: { $crm } принимает этап по id, а id этапов CRM «{ $connection }» okk не знает: её последняя синхронизация была раньше, чем okk стал хранить этапы воронок. Перевод в «{ $stage }» не записан, { $count ->
    [1] карточка { $cards } не записана
   *[many] карточки { $cards } не записаны
} в файл; запустите один раз `okk sync { $connection }`, чтобы okk узнал id этапов воронок, и выгрузите снова
export-kind-number = число
export-kind-date = дата
export-kind-text = текст
export-no-cards-from = okk: ни одна карточка этой базы не пришла из { $crm }: изменения всех карточек записываются в столбцы { $crm } (их id — из другой CRM: проверьте перед импортом)
export-owner-name = имя пользователя
export-owner-email = адрес эл. почты
export-owner-numeric-id = числовой id пользователя
export-owner-salesforce-id = Salesforce User Id (15 или 18 латинских букв и цифр, 005…)
export-owners-unreadable = { $path }: не удаётся прочитать таблицу ответственных: { $error }
export-owners-problems = { $problems }
    (таблица ответственных: строка заголовка, затем по строке на ответственного — имя в okk, значение в CRM; или строки TOML `"имя в okk" = "значение в CRM"`; ничего не записано)
export-owners-not-utf8 = не UTF-8: сохраните файл TOML в UTF-8
export-owners-not-text = не удаётся прочитать файл как текст в { $encoding }: сохраните его как CSV в UTF-8
export-owners-bad-csv = okk не может прочитать этот CSV ({ $error }): незакрытая кавычка?
export-owners-bad-toml = { $error }: пишите по одной строке `"имя в okk" = "значение в CRM"`
export-owners-not-string = значение для «{ $name }» — не текст: возьмите его в кавычки
export-owners-line-break = перенос строки внутри ячейки: незакрытая кавычка? (имена и значения помещаются в одну строку)
export-owners-empty = в таблице нет ответственных: после строки заголовка — по строке на ответственного (имя в okk, значение в CRM)
export-owners-no-name = перед «{ $value }» нет имени ответственного в okk: в первом столбце — имя, которое показывает okk
export-owners-no-value = нет значения { $crm } для «{ $name }»: заполните второй столбец или удалите строку
export-owners-bad-value = «{ $value }» для «{ $name }» — не { $form }, а импорт { $crm } ждёт для ответственного именно его (столбцы перепутаны?)
export-owners-twice = «{ $name }» уже сопоставлен в строке { $line } с «{ $first }», а здесь — с «{ $value }»: оставьте одно
export-unmapped-owner = «{ $name }» ({ $count ->
    [one] { $count } карточка
    [few] { $count } карточки
   *[many] { $count } карточек
})
export-unmapped-skipped = okk: внимание: импорт { $crm } принимает в качестве ответственного { $form }, а у этих предложенных ответственных его нет: ответственный их карточек не меняется (остальные изменения записаны)
export-unmapped-stopped = импорт { $crm } принимает в качестве ответственного { $form }, а у этих предложенных ответственных его нет (имя там заставило бы CRM отклонить строку); ничего не записано
export-unmapped-fix-skipped = Чтобы передать и их, добавьте их в таблицу ответственных и выгрузите снова:
export-unmapped-fix-stopped = Добавьте их в таблицу ответственных и передайте её через --owners FILE (или добавьте --skip-unmapped-owners, чтобы записать остальные изменения, не меняя этих ответственных). Таблица для заполнения:
export-owner-ids-from-export = okk: { $cards ->
    [one] { $cards } карточке
   *[other] { $cards } карточкам
} назначен новый ответственный по id пользователя { $crm } — его импорт принимает id, а не имя; { $owners ->
    [one] id взят
   *[other] id взяты
} из «Имя [id]» собственной выгрузки { $crm }, поэтому таблица ответственных не понадобилась: { $names }. Если id пользователя с тех пор сменился, укажите --owners ФАЙЛ
export-owners-loaded = okk: таблица ответственных { $path }: { $count ->
    [one] { $count } ответственный
   *[many] { $count } ответственных
}

# CSV для людей (`okk export reviews`): названия столбцов и значения на языке читателя; английский
# оставляет машинные имена okk (`--headers en`).
export-col-review-id = ID проверки
export-col-source = Источник
export-col-external-id = ID в CRM
export-col-title = Название
export-col-stage = Этап
export-col-owner = Ответственный
export-col-auditor = Аудитор
export-col-verdict = Вердикт
export-col-score = Балл
export-col-failed-items = Невыполненные пункты
export-col-failed-critical-items = Невыполненные критичные пункты
export-col-suggested-stage = Предложенный этап
export-col-suggested-owner = Предложенный ответственный
export-col-corrections = Исправления
export-col-comment = Комментарий
export-col-reviewed-at = Дата проверки
export-col-seconds-spent = Секунд на проверку
export-col-lead-decision = Решение руководителя
export-col-lead = Руководитель
export-col-card-changed = Карточка изменилась
export-col-lead-verdict = Вердикт руководителя
export-col-lead-suggested-stage = Этап от руководителя
export-col-lead-suggested-owner = Ответственный от руководителя
export-col-final-verdict = Итоговый вердикт
export-col-unanswered-items = Пунктов без ответа
export-col-crm-url = Ссылка в CRM
export-col-lead-note = Заметка руководителя
export-col-settled-by = Автор итогового решения
export-col-settled-decision = Итоговое решение
export-col-card-gone-at = Нет в CRM с
export-col-awaits-lead = Ждёт решения руководителя
export-col-funnel-stage = Этап воронки
export-col-funnel-stage-now = Этап воронки сейчас
export-col-calibration = Калибровка
export-verdict-ok = в порядке
export-verdict-wrong-stage = не тот этап
export-verdict-stale = устарела
export-verdict-dead = мёртвый лид
export-verdict-unclear = неясно
export-decision-accept = принято
export-decision-override = изменено
export-decision-return = возвращено
export-yes = да
export-no = нет

# Столбцы и значения `okk stats --csv`.
export-col-flagged-share = Доля с флагом
export-col-reviews = Проверок
export-col-ok = В порядке
export-col-wrong-stage = Не тот этап
export-col-stale = Устарела
export-col-dead = Мёртвый лид
export-col-unclear = Неясно
export-col-mismatches = С ошибкой
export-col-mismatch-rate = Доля с ошибкой
export-col-estimated-lying = Врут, оценка
export-col-average-score = Средний балл
export-col-open-cards = Открытых карточек
export-col-median-idle-days = Медиана простоя, дн.
export-col-top-failing-items = Чаще всего не выполнено
export-col-top-failing-ids = ID пунктов, чаще всего не выполненных
export-col-estimated-lying-low = Врут, нижняя граница
export-col-estimated-lying-high = Врут, верхняя граница
export-col-ranked = В рейтинге
export-col-scored = С баллом
export-col-judged = Выборка, карточек
export-col-disputed = Спорных карточек
export-col-covered-cards = Открытых карточек в оценке
export-col-changed-by-version = Этап изменён версией воронки
export-col-judged-before-change = Проверено до изменения этапа
export-col-changed-stages = Изменённые этапы
export-col-known = В воронке
export-col-kind = Тип этапа
export-col-cards = Карточек
export-col-gone = Нет в CRM
export-col-flagged = С флагом
export-col-reviewed = Проверено
export-col-manager = Ответственный
export-col-level = Уровень
export-col-rank = Место
export-col-likely-cause = Вероятная причина
export-col-likely-cause-ids = ID пунктов причины
export-col-week = Неделя
export-col-starts = Начало недели
export-col-cards-per-hour = Карточек в час
export-col-median-seconds = Медиана, с
export-col-decided = Решено
export-col-accepted = Принято
export-col-overridden = Изменено
export-col-returned = Возвращено
export-col-calibrated = Калибровочных
export-col-reference-agreement = Совпадение с эталоном
export-col-unanswered = Без ответа
export-kind-open = открытый
export-kind-won = успех
export-kind-lost = провал
export-level-stage = этап
export-level-manager = этап · ответственный
export-sources-mixed = okk: внимание: в файле изменения карточек из { $count } источников ({ $sources }), а импорт CRM загружает файл в одну учётную запись: выгрузите каждый источник отдельно — okk export crm --profile { $profile } --source ИМЯ
export-crm-name-bitrix24 = Битрикс24
