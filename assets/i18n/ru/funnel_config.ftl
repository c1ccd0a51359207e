# Настройка воронки (src/text/funnel_config.rs): ошибки в TOML воронки — что не так и как исправить
# (файл:строка:столбец добавляет вызывающий), и подписи `okk funnel show`. Ключи и значения TOML
# ("open", must_be, [[stages]]) остаются такими, как их пишут в файле.

funnel_config-none = (нет)
funnel_config-cannot-read = не удаётся прочитать файл воронки ({ $error }); проверьте путь и права на чтение
funnel_config-not-utf8 = файл — не текст в UTF-8; сохраните его в UTF-8 (в Блокноте: Сохранить как → Кодировка → UTF-8)
funnel_config-syntax = ошибка TOML ({ $detail }); исправьте текст в этом месте
funnel_config-unknown-key-none = неизвестный ключ «{ $key }»; в этой таблице ключей нет, удалите его
funnel_config-unknown-key = неизвестный ключ «{ $key }»; удалите его или используйте один из: { $expected }
funnel_config-duplicate-key = этот ключ задан дважды в одной таблице; оставьте один
funnel_config-table-twice = таблица [{ $name }] написана дважды: несколько таблиц с одним именем — это список, и заголовок каждой пишется в двойных скобках: [[{ $name }]]; одна таблица пишется один раз
funnel_config-missing-key = нет ключа «{ $key }»; добавьте { $key } = … в эту таблицу
funnel_config-unknown-value = «{ $value }» — недопустимое значение этого ключа; используйте одно из: { $expected }
funnel_config-syntax-no-value = ошибка TOML: у ключа нет значения; пишите ключ = значение
funnel_config-syntax-unquoted = ошибка TOML: текст должен быть в кавычках; пишите "…"
funnel_config-syntax-control-in-string = ошибка TOML: в тексте управляющий символ (escape, звонок) записан как есть; запишите его как \u001b или уберите
funnel_config-number-too-big = число { $value } слишком велико для любого ключа здесь; напишите целое число поменьше
funnel_config-syntax-unclosed-string = ошибка TOML: текст не закрыт; закончите его той же кавычкой, с которой он начат
funnel_config-syntax-unclosed-header = ошибка TOML: заголовок таблицы не закрыт; закончите его знаком ] (]] для [[…]])
funnel_config-syntax-unclosed-list = ошибка TOML: список не закрыт; закончите его знаком ]
funnel_config-syntax-list-comma = ошибка TOML: между элементами списка нет запятой
funnel_config-syntax-one-per-line = ошибка TOML: по одной паре ключ = значение в строке; начните здесь новую строку
funnel_config-syntax-bad-key = ошибка TOML: здесь нет ключа или он записан неверно; пишите его буквами, цифрами, - и _ или в кавычках
funnel_config-table-for-list = одиночная [таблица] стоит там, где нужен список таблиц; напишите её заголовок в двойных скобках, [[…]]
funnel_config-want-integer = целое число без кавычек
funnel_config-want-string = текст в двойных кавычках
funnel_config-want-bool = true или false без кавычек
funnel_config-want-list = список в квадратных скобках, например ["a", "b"]
funnel_config-want-table = таблицу (заголовок [[…]] или {"{"} … {"}"})
funnel_config-wrong-type = { $found } — здесь неверный тип; напишите { $want }

funnel_config-funnel-name-missing = у воронки нет названия; добавьте name = "…" в начало файла
funnel_config-checklist-default-unknown = checklist_default «{ $value }» — неизвестное значение; используйте "pass", "fail" или "na"
funnel_config-checks-unknown = checks «{ $value }» — неизвестное значение; используйте "filled" (поле заполнено) или "valid" (его значение проходит правила этапа)
funnel_config-no-stages = в воронке нет этапов; добавьте хотя бы одну таблицу [[stages]] с названием

funnel_config-stage-name-missing = у этапа нет названия; добавьте name = "…" с названием этапа, как его показывает CRM
funnel_config-alias-empty = пустой псевдоним ничему не соответствует; удалите его или напишите другое название
funnel_config-duplicate-stage-name = «{ $name }» — уже название или псевдоним этапа «{ $first }» (строка { $line }, столбец { $column }); названия и псевдонимы этапов не должны повторяться — удалите или переименуйте одно из них
funnel_config-stage-kind-unknown = kind «{ $value }» — неизвестное значение; используйте "open", "won" или "lost"
funnel_config-idle-days-out-of-range = max_idle_days { $days } — вне допустимого диапазона; укажите целое число дней от 1 или удалите ключ, чтобы отключить предел простоя
funnel_config-field-unknown = ни поле профиля, ни дополнительное поле не даёт «{ $label }»; объявите его в [[custom_fields]] или используйте одно из: { $options }
funnel_config-bound-field-not-custom = «{ $label }» — поле профиля, а `fields` привязывает только дополнительные поля; перенесите его в `required`
funnel_config-bound-field-unknown = дополнительное поле «{ $label }» не объявлено; объявите его в [[custom_fields]] или привяжите одно из: { $options }

funnel_config-checklist-id-missing = у пункта чек-листа нет id; добавьте id = "…" (короткое имя латиницей, уникальное в пределах этапа)
funnel_config-checklist-text-missing = у пункта чек-листа нет текста; добавьте text = "…" с тем, что проверяет аудитор
funnel_config-checklist-id-duplicate = id пункта чек-листа «{ $id }» уже занят в этом этапе (строка { $line }, столбец { $column }); дайте каждому пункту свой id
funnel_config-weight-out-of-range = weight { $weight } — вне допустимого диапазона; укажите целое число от 1 до 100
funnel_config-scale-out-of-range = scale { $scale } — вне допустимого диапазона; укажите целое число от 1 до 10 или удалите ключ для пункта «выполнен / не выполнен»

funnel_config-custom-field-name-missing = у дополнительного поля нет названия; добавьте name = "…" с заголовком столбца из выгрузки CRM
funnel_config-custom-field-type-unknown = type «{ $value }» — неизвестный тип; используйте "text", "date", "number", "bool" или "list"
funnel_config-custom-field-duplicate = «{ $name }» — уже название или псевдоним дополнительного поля «{ $first }» (строка { $line }, столбец { $column }); удалите или переименуйте одно из них
funnel_config-custom-field-is-system = «{ $name }» — название поля профиля; переименуйте дополнительное поле, чтобы их нельзя было спутать

funnel_config-marker-list-not-a-list = список маркеров «{ $name }» должен быть списком фраз, а здесь { $found }; напишите, например, { $name } = ["отказ", "не актуально"]
funnel_config-marker-not-text = маркер — фраза в двойных кавычках, а здесь { $found }; напишите её как "…"
funnel_config-marker-without-words = в этом маркере нет слов для поиска; удалите его или напишите фразу
funnel_config-item-flag-unknown = правила «{ $code }» нет; flags пункта называет правила: { $codes }
funnel_config-rule-code-unknown = правила «{ $code }» нет; в [rules] допустимы: { $codes }
funnel_config-rule-level-unknown = «{ $value }» — не уровень важности; используйте "info", "warning", "critical" или "off"
funnel_config-severity-unknown = severity «{ $value }» — неизвестное значение; используйте "info", "warning" или "critical" (чтобы отключить правило, удалите его)
funnel_config-rule-kind-missing = у правила нет вида; добавьте kind = "date" или kind = "markers"
funnel_config-rule-kind-unknown = вид правила «{ $kind }» неизвестен; на этапе настраиваются правила "date" и "markers"
funnel_config-rule-kind-implicit = «{ $kind }» не нужна запись [[stages.rules]]: это правило следует из самого этапа (required, max_idle_days, kind, skippable); задайте его уровень или "off" в [rules]
funnel_config-rule-key-not-used = правило { $kind } не читает «{ $key }»; удалите его
funnel_config-date-field-missing = у правила дат нет поля; добавьте field = "…" с названием поля даты
funnel_config-date-field-unknown = ни поле профиля, ни дополнительное поле не даёт «{ $label }»; правило дат читает одно из: { $options }
funnel_config-date-field-not-date = «{ $label }» — не поле даты; правило дат читает одно из: { $options }
funnel_config-date-field-wrong-type = у дополнительного поля «{ $label }» тип { $kind }; правилу дат нужен type = "date" (смените тип поля или укажите другое поле)
funnel_config-must-be-missing = у правила дат нет must_be; добавьте must_be = "future", "past", "not_passed", "before_field" или "after_field"
funnel_config-must-be-unknown = must_be «{ $value }» — неизвестное значение; используйте "future", "past", "not_passed", "before_field" или "after_field"
funnel_config-other-missing = must_be = "{ $must_be }" сравнивает с другим полем; добавьте other = "…" с этим полем даты
funnel_config-other-not-used = other читается только с "before_field" или "after_field", а не с "{ $must_be }"; удалите его
funnel_config-markers-list-missing = правило маркеров не называет список; добавьте markers = "…" с одним из: { $lists }
funnel_config-markers-list-unknown = списка маркеров «{ $name }» нет; объявите его в [markers] или используйте один из: { $lists }
funnel_config-required-key-unknown = неизвестный ключ { $key } в записи required; пишите {"{"} field = "…", severity = "…" {"}"}
funnel_config-required-field-missing = записи required в виде таблицы нужен field = "…" (можно задать и severity)
funnel_config-required-wrong-shape = ожидалось название поля или {"{"} field = "…", severity = "…" {"}"}, а здесь { $found }

funnel_config-word-text = текст
funnel_config-word-number = число
funnel_config-word-bool = true или false
funnel_config-word-date = дата
funnel_config-word-list = список
funnel_config-word-table = таблица
funnel_config-word-table-or-date = таблица или дата
funnel_config-expecting-phrases = список фраз
funnel_config-expecting-required = название поля или {"{"} field = "…", severity = "…" {"}"}
funnel_config-expecting-keys = клавишу в кавычках или список клавиш, например "z" или ["i", "h"]

funnel_config-show-stages = Этапы в порядке воронки:
funnel_config-show-custom-fields = Дополнительные поля:
funnel_config-show-no-custom-fields = Дополнительные поля: нет
funnel_config-show-extra-control = доп. контроль
funnel_config-show-not-skippable = нельзя пропускать
funnel_config-show-critical = критичный
funnel_config-show-item-flags = не выполнен при флагах { $codes }
funnel_config-show-checks-valid = его значение, а не только заполненность
funnel_config-show-rules = правила:
funnel_config-show-markers = Списки маркеров:
funnel_config-show-no-markers = Списки маркеров: нет
funnel_config-show-off = откл.
funnel_config-show-title = Воронка: { $name }
funnel_config-show-checklist-default = Ответ на пункты чек-листа по умолчанию: «{ $answer }» (пока флаг не подскажет иное)
funnel_config-show-queue-order = Порядок очереди проверки: { $stages }
funnel_config-show-aliases = другие названия: { $aliases }
funnel_config-show-idle-limit = предел простоя: { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[many] { $days } дней
} (простой дольше { $step }: на уровень важнее)
funnel_config-show-no-idle-limit = предел простоя: нет
funnel_config-show-required = обязательные: { $fields }
funnel_config-show-bound = поля: { $fields }
funnel_config-show-checklist = чек-лист ({ $count }):
funnel_config-show-scale = шкала 0..{ $scale }
funnel_config-show-checks-field = проверяет «{ $label }»
funnel_config-show-date-rule = дата «{ $field }» { $must_be }
funnel_config-show-date-rule-other = дата «{ $field }» { $must_be } «{ $other }»
funnel_config-show-markers-rule = маркеры из списка «{ $list }»
funnel_config-show-rule-levels = Уровни важности правил: { $levels }
funnel_config-show-no-task-rule = нет задачи: у открытой карточки должна быть запланирована задача (столбец ближайшей задачи)
funnel_config-show-answer-pass = да
funnel_config-show-answer-fail = нет
funnel_config-show-answer-na = н/п
funnel_config-show-kind-open = открытый
funnel_config-show-kind-won = выигрыш
funnel_config-show-kind-lost = проигрыш
funnel_config-show-type-text = текст
funnel_config-show-type-date = дата
funnel_config-show-type-number = число
funnel_config-show-type-bool = да/нет
funnel_config-show-type-list = список
funnel_config-show-must-be-future = в будущем
funnel_config-show-must-be-past = в прошлом
funnel_config-show-must-be-not-passed = не прошла
funnel_config-show-must-be-before-field = раньше
funnel_config-show-must-be-after-field = позже
funnel_config-show-weight = вес { $weight }
funnel_config-show-marker-list = «{ $list }» ({ $count }): { $phrases }
funnel_config-show-rule-level = { $rule } — { $level }
