# Сообщения `okk import`: ошибки, останавливающие импорт, предупреждения и отчёт (src/text/import.rs).

import-map-without-equals = в записи --map «{ $part }» нет «=»; пишите поле=Столбец, например stage=Статус
import-map-unknown-field = --map называет неизвестное поле «{ $field }»; используйте одно из: { $known }
import-map-empty-header = --map { $field }=: после «=» не указан столбец
import-map-header-missing = --map { $field }={ $header }: в файле нет столбца «{ $header }»; его столбцы: { $headers }
# Обязательные поля так, как их знает пользователь, в родительном падеже («нет столбца этапа»);
# --map по-прежнему принимает их ключи (external_id, stage).
import-field-external-id = ID сделки
import-field-stage = этапа
import-missing-column-hint = (профиль { $profile } ищет { $expected })
import-missing-column = в заголовке нет столбца { $label }{ $hint }; укажите его через --map { $field }=СТОЛБЕЦ
import-formula-without-value = в ячейке с формулой нет значения (программа, записавшая файл, не вычислила её), она импортирована пустой: лист «{ $sheet }», ячейка { $cell }{ $column }; откройте файл в Excel или LibreOffice, сохраните его и импортируйте снова
import-formulas-without-values = { $count ->
    [one] { $count } ячейка с формулой без значения импортирована пустой
    [few] { $count } ячейки с формулами без значений импортированы пустыми
   *[many] { $count } ячеек с формулами без значений импортированы пустыми
} (программа, записавшая файл, не вычислила формулы); первая: лист «{ $sheet }», ячейка { $cell }{ $column }; откройте файл в Excel или LibreOffice, сохраните его и импортируйте снова
import-formulas-column = {" "}(столбец «{ $header }»)
import-wrong-field-count = в этой строке полей: { $found }, а в заголовке: { $expected }; поищите в строке лишний разделитель или непарную кавычку
import-empty-required-column = столбец { $label } «{ $column }» пуст; он нужен в каждой строке
import-empty-required = в этой строке нет { $label }
import-bad-amount = «{ $value }» — не сумма; сохранено как текст
import-ambiguous-amount = «{ $value }» читается двояко — { $read } или { $other }: прочитано как { $read }, как профиль { $profile } читает один разделитель перед тремя цифрами; сверьте сумму с CRM
import-bad-date = «{ $value }» — не дата в известном формате ({ $formats }); сохранено как текст
import-no-such-day = «{ $value }» — такого дня в календаре нет; сохранено как текст
import-date-day = ДД
import-date-month = ММ
import-date-year = ГГГГ
import-date-year-short = ГГ
import-date-hour = чч
import-date-minute = мм
import-date-second = сс
import-bad-bool = «{ $value }» — не «да/нет»; сохранено как текст
import-bad-status = «{ $value }» — статус, неизвестный этому профилю; сохранено как текст
import-duplicate-id-same = эта строка повторяет ID более ранней строки (или, для сгруппированных строк товаров, более ранней группы) и совпадает с ней; импортирована более ранняя строка, эта пропущена
import-duplicate-id-differs = эта строка повторяет ID более ранней строки (или, для сгруппированных строк товаров, более ранней группы), но отличается от неё; импортирована более ранняя строка, эта пропущена. Если новее эта строка, удалите из файла более раннюю и импортируйте файл снова
import-duplicate-id-same-at = эта строка повторяет ID строки { $first } (для сгруппированных строк товаров — группы, которая с неё начинается) и совпадает с ней; импортирована строка { $first }, эта пропущена
import-duplicate-id-differs-at = эта строка повторяет ID строки { $first } (для сгруппированных строк товаров — группы, которая с неё начинается), но отличается от неё { $n ->
        [one] в столбце
       *[other] в столбцах
    } { $columns }; импортирована строка { $first }, эта пропущена. Если новее эта строка, удалите из файла строку { $first } и импортируйте файл снова
import-duplicate-columns-more = { $columns } и ещё { $count }
import-no-rows = в файле есть заголовок, но нет ни одной строки: ни одна карточка не импортирована, и ни одна карточка источника «{ $source }» не отмечена как «нет в CRM». Выгрузка без строк — чаще всего фильтр в CRM, под который не попала ни одна сделка (или выгрузка другого объекта): проверьте фильтр и выгрузите заново
import-gone-withheld = в файле нет ни одной из { $count ->
    [one] { $count } карточки
   *[other] { $count } карточек
} источника «{ $source }», которые есть в хранилище, поэтому ни одна из них не отмечена как «нет в CRM»: может быть, это выгрузка другого объекта (лидов, а не сделок) или другого аккаунта? Импортируйте её с --source ИМЯ, чтобы её карточки хранились отдельно, или с --partial, если это выгрузка по фильтру
import-scientific-id = ID «{ $id }» в экспоненциальной записи: Excel округлил длинное число, и карточка уже не совпадёт с записью в { $crm }, а сделки, чьи ID округлились одинаково, слились бы в одну; ничего не импортировано. Выгрузите сделки из { $crm } заново и импортируйте этот файл, не открывая его в Excel (или в Excel загрузите CSV через «Данные → Из текстового/CSV-файла», задав этому столбцу тип «Текстовый»)
import-the-crm = CRM
import-unclosed-quote = поле в кавычках, начатое в этой записи, не закрыто: файл кончается внутри кавычек (файл обрезан или кавычка внутри поля не удвоена)
import-quote-not-doubled = кавычка внутри поля в кавычках в столбце { $column } не удвоена (кавычка внутри кавычек пишется дважды): поле прочитано до следующего разделителя, и значение сохранено как прочитано; проверьте его, исправьте выгрузку (или сделку в CRM) и импортируйте снова
import-not-utf8 = здесь байты не в UTF-8; если файл в другой кодировке, укажите --encoding (например, --encoding windows-1251)
import-imported-before = { $file }: импортирован (каждый файл — своя транзакция: его карточки остаются в хранилище; ничего не изменил только { $failed })
import-not-read = { $file }: не прочитан: импорт остановился на { $failed } (файлы до него импортированы); импортируйте этот файл, когда тот будет исправлен
import-nul-in-field = в этом поле байт NUL: CRM не пишет его в текстовую выгрузку, значит, файл повреждён; удалите этот байт (или строку) или выгрузите сделки заново
import-undecodable = байты со смещения { $offset } не декодируются в выбранной кодировке; укажите верную через --encoding
import-cannot-read = не удаётся прочитать файл: { $error }
import-empty-file = пустой файл: нет строки заголовков (файл пуст или в нём одни пробелы)
import-binary-file = двоичный файл: байт NUL по смещению { $at }, значит, это не текстовая выгрузка; выгрузите сделки в CSV или XLSX
import-no-table = не таблица: файл в HTML, но в нём нет <table>; «Экспорт в Excel» Битрикс24 пишет её — выгрузите сделки заново (или в CSV)
import-empty-table = повреждённая таблица: в таблице нет строк; ожидается строка заголовков (ID, Стадия сделки, …), затем по строке на сделку
import-html-empty-header = в первой строке таблицы (строка { $line } файла) нет текста; там ожидаются названия столбцов (ID, Стадия сделки, …)
import-html-truncated = файл кончается внутри таблицы, в её строке { $row } (строка { $line } файла), без </table>: он обрезан; выгрузите его заново
import-html-nested-table = таблица внутри таблицы (строка { $line } файла): okk читает одну плоскую таблицу, как её пишет CRM; удалите вложенную
import-html-second-table = на строке { $line } файла начинается вторая таблица: okk читает одну таблицу и не может понять, в какой из них сделки; удалите лишнюю
import-html-at-line = { $what } (строка { $line } файла)
import-html-over-cell = эта ячейка больше { $size }
import-html-long-markup = тег, комментарий или атрибут со строки { $line } файла длиннее { $size }, а такой длинный не пишет ни одна выгрузка: файл повреждён
import-html-not-utf8 = байты на строке { $line } файла не в UTF-8; если файл в другой кодировке, укажите --encoding (например, --encoding windows-1251)
import-html-reason = HTML-таблица, { $reason }
import-html-merged-cell = объединённая ячейка (строка { $line } файла) занимает { $across ->
    [one] { $across } столбец
    [few] { $across } столбца
   *[many] { $across } столбцов
}{ $down ->
    [1] {""}
    [one] {" "}и { $down } строку
    [few] {" "}и { $down } строки
   *[many] {" "}и { $down } строк
}: её значение попало в «{ $first }»{ $besides ->
    [0] {""}
    [1] , а столбец { $beside } рядом с ней прочитан пустым
   *[other] , а столбцы { $beside } рядом с ней прочитаны пустыми
}{ $down ->
    [1] {""}
   *[other] , и в строках ниже эти столбцы прочитаны пустыми
} — так файл показывает редактор таблиц. Битрикс24 в выгрузке ячейки сделок не объединяет: файл правили вручную — проверьте карточку или выгрузите сделки заново
import-html-merged-emptied = { $empty }. Ячейку закрыла объединённая ячейка строки { $row } (строка { $line } файла): она занимает { $across ->
    [one] { $across } столбец
    [few] { $across } столбца
   *[many] { $across } столбцов
}{ $down ->
    [1] {""}
    [one] {" "}и { $down } строку
    [few] {" "}и { $down } строки
   *[many] {" "}и { $down } строк
}, её значение попало только в «{ $first }» строки { $row }, а закрытые ею ячейки прочитаны пустыми — так файл показывает редактор таблиц. Битрикс24 в выгрузке ячейки сделок не объединяет: файл правили вручную — разъедините ячейку (её значение в каждой строке) или выгрузите сделки заново
import-xml-workbook = таблица XML Excel 2003 (SpreadsheetML), её okk не читает: откройте её в Excel или LibreOffice и сохраните как .xlsx или выгрузите сделки в CSV
import-sheet-html = --sheet «{ $sheet }»: этот файл — HTML-таблица («Экспорт в Excel» Битрикс24), в нём одна таблица и нет листов; импортируйте его без --sheet
import-sheet-csv = --sheet «{ $sheet }»: этот файл — текст CSV, листов в нём нет (--sheet выбирает лист книги xlsx, xls или ods); импортируйте его без --sheet
import-broken-zip = повреждённый zip: файл начинается как xlsx/ods (zip-архив), но его оглавление не читается ({ $error }); возможно, он обрезан — выгрузите заново
import-zip-without-sheet = не книга: zip-архив ({ $entries ->
    [one] { $entries } файл
    [few] { $entries } файла
   *[other] { $entries } файлов
}) без электронной таблицы (xlsx, xlsb или ods)
import-not-a-workbook-ole = не книга: файл Office, который не книга Excel 97–2003 или защищён паролем ({ $error }); сохраните его как XLSX или CSV
import-broken-workbook-xml = её XML не соответствует формату
import-broken-workbook = повреждённая книга: { $detail }; откройте её в редакторе таблиц и сохраните заново или выгрузите CSV
import-workbook-reader-stopped = чтение листа прервалось
import-workbook-reader-failed = программа чтения на ней сломалась ({ $detail })
import-workbook-reader-says = программа чтения не может её прочесть ({ $detail })
import-xml-broken-detail = её XML не соответствует формату ({ $detail })
import-xml-unknown-entity = в ней есть сущность «{ $entity }», которой в XML нет (сущностей, объявленных в DOCTYPE, okk не раскрывает)
import-xml-unterminated-entity = в её XML «&» начинает сущность, которую не закрывает «;»
import-xml-ends-early = её XML кончается раньше закрывающего </{ $tag }>
import-part-larger-than-stated = часть книги распаковывается в больший размер, чем записан в оглавлении zip
import-workbook-password = она защищена паролем; снимите пароль в Excel или LibreOffice и сохраните её заново
import-part-broken = часть «{ $part }»: { $detail }
import-sheet-broken = лист «{ $sheet }»: { $detail }
import-sheet-cell-broken = лист «{ $sheet }», ячейка { $cell }: { $detail }; откройте книгу в редакторе таблиц и сохраните заново или выгрузите CSV
import-shared-string-missing = она ссылается на общую строку { $index } (счёт с 0), а общих строк в книге: { $count }
import-nul-in-cell = в ячейке { $cell } символ NUL (в xlsx он записан как _x0000_): CRM его не пишет, значит, файл повреждён; удалите этот символ (или строку) или выгрузите сделки заново
import-sst-claims-too-many = { $part } заявляет общих строк (uniqueCount): { $claimed }, но её размер { $size }, а в нём помещается не больше { $most } (строка занимает не меньше 5 байт: <si/>)
import-sheet-rows-out-of-order = ячейка { $cell } идёт после строки { $row }: строки листа не по порядку, чего редакторы таблиц не пишут; сохраните файл заново
import-sheet-cell-left-of-header = ячейка { $cell } левее первого столбца заголовка, и заголовка у неё нет; удалите её или дайте ей заголовок
import-sheet-beyond-header = в этой строке есть значение в столбце { $column }, а в заголовке столбцов { $width }; ячейке за пределами заголовка некуда попасть — дайте столбцу заголовок или удалите ячейку
import-limit-without-equals = в записи --limit «{ $part }» нет «=»; пишите ИМЯ=ЗНАЧЕНИЕ, например columns=5000
import-limit-unknown = --limit называет неизвестный предел «{ $name }»; используйте один из: { $known }
import-limit-bad-value = --limit { $name }={ $value }: не положительное число
import-limit-bad-bytes = --limit { $name }={ $value }: не положительное число байт (можно с K, M и G: 64M)
import-gib = { $n } ГиБ
import-mib = { $n } МиБ
import-kib = { $n } КиБ
import-bytes = { $n ->
    [one] { $n } байт
    [few] { $n } байта
   *[other] { $n } байт
}
import-raise-limit = если файл настоящий, поднимите предел: --limit { $name }=ЗНАЧЕНИЕ
import-over-limit = превышен предел «{ $name }»: { $what }{ $raise }
import-over-columns = в этой строке больше { $value } столбцов
import-over-cell = эта ячейка больше { $size } (незакрытая кавычка тоже сливает остаток файла в одну ячейку)
import-over-row = эта строка больше { $size }
import-over-rows = в файле больше { $value } строк данных
import-over-other = { $name } больше { $value }
import-over-grid = лист занимает { $rows } строк × { $columns } столбцов, больше { $value } ячеек, а лист ods или xls читается в память целиком
import-over-sheet-text = в ячейках листа с учётом повторов { $size } текста, а лист ods или xls читается в память целиком, { $copies } раза: больше { $value }
import-its-part = его часть «{ $part }»
import-the-part = часть «{ $part }»
import-over-workbook = книга весит { $found }, больше { $value }
import-over-unpacked = книга распаковывается больше чем в { $value } (не меньше { $found }); маленький файл, распаковывающийся в столько, — zip-бомба
import-over-part = { $part } распаковывается в { $found }, больше { $value }; её пришлось бы читать в память целиком
import-over-ratio = { $part } сжата в { $found }:1, плотнее { $value }:1 — признак zip-бомбы
import-over-strings-claimed = { $part } заявляет общих строк (uniqueCount): { $claimed }, а программа чтения откладывает под каждую { $slot } байта, ещё не прочитав ни одной: { $need }, больше { $value }
import-over-strings = { $part } читается в память целиком, и уже первые её общие строки ({ $count }) занимают там { $need } (по { $slot } байта на строку и их текст), больше { $value }
import-over-records = { $part } читается в память целиком, и уже первые её записи (стили, шрифты, листы, имена, связи; { $count }) занимают там { $need }, больше { $value }
import-no-such-sheet = в книге нет листа «{ $want }»; её листы: { $names }
import-no-sheets = в книге нет листов
import-workbook-reason = книга
import-unknown-encoding = неизвестная кодировка «{ $label }»; используйте utf-8, utf-16le, utf-16be, windows-1251 (cp1251) или koi8-r
import-reason-bom = метка порядка байтов
import-reason-valid-utf8 = корректный UTF-8
import-reason-mostly-utf8 = UTF-8, кроме нескольких неверных байтов
import-reason-guessed = не UTF-8 (в строке { $line } байты, невозможные в UTF-8); определена по частоте букв
import-reason-declared = указана в её <meta>
import-tab = табуляция
import-unknown-profile = неизвестный профиль «{ $name }»; используйте auto, amocrm, bitrix24, hubspot, pipedrive, salesforce или generic
import-next-best = следующий по совпадению — { $name }: { $n }
import-profile-detected = найдено заголовков профиля: { $count } ({ $shown }){ $runner }
import-profile-generic-by-map = ни один профиль CRM не подошёл; столбцы из --map
import-near-miss-in = для { $field }: { $headers }
import-or = {" "}или{" "}
import-header-placeholder = СТОЛБЕЦ
import-profile-near-miss = в заголовке нет столбца { $fields } ({ $matched } — заголовки { $profile }; профиль { $profile } ищет { $looks }); укажите { $count ->
    [one] его
   *[other] их
} через --map { $maps }
import-profile-not-recognised = ни один профиль не узнаёт эти заголовки ({ $headers }); укажите --profile ИМЯ или для любого другого CSV --map external_id=СТОЛБЕЦ,stage=СТОЛБЕЦ,...
import-report-profile = профиль   { $profile } ({ $reason })
import-report-encoding = кодировка { $encoding } ({ $reason })
import-report-format = формат    { $format } ({ $reason })
import-report-delimiter = разделитель «{ $delimiter }»
import-report-sheet = лист «{ $sheet }»
import-report-rows = строк     { $rows } (карточек: { $cards })
import-report-cards = карточки  новых { $inserted }, обновлено { $updated } (сменили этап { $moved }), без изменений { $unchanged }, нет в CRM { $gone }
import-report-renamed = переименован этап: { $count ->
    [one] { $count } карточка стоит
    [few] { $count } карточки стоят
   *[many] { $count } карточек стоят
} на этапе, который CRM переименовала, а воронка знает под обоими именами: этап не сменился, и новое имя этапа само по себе для проверок карточку не меняет
import-report-new-columns = { $count ->
    [one] новый столбец
   *[other] новые столбцы
} { $columns } ({ $count ->
    [one] его
   *[other] их
} не было ни в одном прежнем импорте или синхронизации «{ $source }»): значение из { $count ->
    [one] него
   *[other] них
} { $cards ->
    [one] получила { $cards } карточка
    [few] получили { $cards } карточки
   *[many] получили { $cards } карточек
}, изменением карточки это не считается
import-report-missing-columns = нет в этой выгрузке: { $fields } ({ $count ->
    [one] был
   *[other] были
} в прежних импортах или синхронизациях «{ $source }»); карточки хранят прежние значения, они не стёрты
import-report-unknown-stages = неизвестные этапы (их нет в воронке; добавьте их или их псевдонимы), карточек источника «{ $source }»: { $stages }
import-report-unknown-stages-read = строки файла на этапах, которых нет в воронке, а карточек источника «{ $source }» на них в хранилище (пока) нет: { $stages }
import-report-probable-rename-before = похоже, CRM переименовала этап «{ $from }» в «{ $to }»: там теперь { $cards } из { $held } { $held ->
    [one] прочитанной карточки
   *[other] прочитанных карточек
} этапа «{ $from }»{ $reviewed ->
    [0] {""}
   *[other] , проверенных из них — { $reviewed }
}. Сначала добавьте «{ $to }» в псевдонимы (aliases) этапа «{ $from }» в воронке (на сервере затем okk funnel apply), а потом импортируйте или синхронизируйте: карточки останутся на своём этапе{ $reviewed ->
    [0] {""}
    [one] {" "}и проверки — в силе; если сначала импортировать, { $reviewed } проверенная карточка вернётся аудитору как изменившаяся
    [few] {" "}и проверки — в силе; если сначала импортировать, { $reviewed } проверенные карточки вернутся аудиторам как изменившиеся
   *[other] {" "}и проверки — в силе; если сначала импортировать, { $reviewed } проверенных карточек вернутся аудиторам как изменившиеся
}
import-report-probable-rename-after = похоже, CRM переименовала этап «{ $from }» в «{ $to }»: там теперь { $cards } из { $held } { $held ->
    [one] прочитанной карточки
   *[other] прочитанных карточек
} этапа «{ $from }»{ $reviewed ->
    [0] {""}
    [one] , и { $reviewed } проверенная из них вернулась аудитору как изменившаяся после проверки
   *[other] , и { $reviewed } проверенных из них вернулись аудиторам как изменившиеся после проверки
}. Если это переименование, добавьте «{ $to }» в псевдонимы (aliases) этапа «{ $from }» в воронке (на сервере затем okk funnel apply): карточки, у которых сменилось только название этапа, снова станут теми, что видели их проверки
import-unknown-stages-next = дальше: добавьте эти этапы или их названия как псевдонимы (aliases) этапа в воронку { $funnel } — или составьте воронку из этапов самого хранилища: `okk funnel init --from-store --out store-funnel.toml`
import-report-not-exported = не выгружаются (воронка их требует, но ни в одной выгрузке «{ $source }» нет такого столбца; на карточках не отмечаются): { $fields }
import-report-warnings = предупреждений { $count }
import-report-warning = строка { $line }{ $column }: { $message }
import-report-dry-run = пробный запуск: ничего не записано
import-detail-no-workbook-stream = нет потока Workbook
import-detail-dimensions = запись DIMENSIONS листа кончается раньше, чем начинается
import-detail-zip-too-short = файл кончается в первых же байтах
import-detail-zip-entry = запись его оглавления не читается
