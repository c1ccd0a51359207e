# Сообщения о подключениях к CRM и `okk sync`: ошибки настройки, ответы CRM и отчёт синхронизации
# (src/text/crm.rs).

crm-bad-name = у подключения должно быть имя (источник, который получат его карточки), например name = "main"
crm-duplicate-name = подключение «{ $name }» уже описано выше
crm-bad-kind = неизвестный вид CRM «{ $kind }»; используйте один из: amocrm, kommo, bitrix24
crm-bad-url = ожидается адрес аккаунта, например url = "https://example.amocrm.ru" (Битрикс24: входящий вебхук, https://portal.bitrix24.ru/rest/1/КОД/)
crm-https-required = адрес должен быть https (обычный http — только для этой машины: 127.0.0.1, localhost, [::1])
crm-https-instead = адрес должен быть https: `--url { $url }` (обычный http — только для этой машины: 127.0.0.1, localhost, [::1])
crm-two-tokens = укажите token_env или token_file, но не оба
crm-bad-token-env = token_env — имя переменной окружения, например token_env = "OKK_AMOCRM_TOKEN"
crm-no-webhook-secret = подключению Битрикс24 без токена нужен адрес входящего вебхука, https://ПОРТАЛ/rest/ПОЛЬЗОВАТЕЛЬ/КОД/
crm-no-token = подключению «{ $name }» нужен token_env = "ПЕРЕМЕННАЯ" или token_file = "ПУТЬ" (права 0600)
crm-token-env-unset = подключение «{ $name }»: переменная окружения { $var } с его токеном не задана или пуста; задайте её там, где запускается okk (`export { $var }=ТОКЕН`), или допишите эту строку в профиль оболочки (~/.bashrc, ~/.zshrc), чтобы она была в каждом терминале
crm-token-file-unreadable = подключение «{ $name }»: не удаётся прочитать файл токена { $path }: { $error }
crm-token-file-missing = подключение «{ $name }»: не удаётся прочитать файл токена { $path }: такого файла нет; создайте его, положив в него только токен, затем выполните `chmod 600 { $shell_path }`
crm-token-file-open = подключение «{ $name }»: файл токена { $path } могут читать другие (права { $mode }); выполните `chmod 600 { $shell_path }`
crm-token-file-empty = подключение «{ $name }»: файл токена { $path } пуст; положите в него токен
crm-unknown-connection-none = подключения к CRM «{ $name }» нет: в файле настроек их нет вовсе; добавьте через `okk crm add`
crm-unknown-connection = подключения к CRM «{ $name }» нет; в файле настроек есть: { $known }
crm-no-connections = в файле настроек { $config } нет подключений [[crm]]; добавьте одно: `okk{ $flag } crm add ИМЯ --kind amocrm --url https://example.amocrm.ru --token-env OKK_AMOCRM_TOKEN`
crm-no-config = файла настроек { $config } (его назвали --config или OKK_CONFIG) нет; проверьте путь или добавьте подключение — файл будет записан: `okk{ $flag } crm add ИМЯ --kind amocrm --url https://example.amocrm.ru --token-env OKK_AMOCRM_TOKEN`
crm-list-none = в { $config } пока нет подключений к CRM; добавьте одно: `okk{ $flag } crm add ИМЯ --kind amocrm --url https://example.amocrm.ru --token-env OKK_AMOCRM_TOKEN` (Битрикс24: --kind bitrix24 и в --url адрес входящего вебхука)
crm-add-needs = для okk crm add нужен { $flag }
crm-add-flag = { $flag }: { $message }
crm-add-bad-url = --url ждёт адрес аккаунта, например --url https://example.amocrm.ru (Битрикс24: входящий вебхук, https://portal.bitrix24.ru/rest/1/КОД/)
crm-add-bad-webhook = --url подключения Битрикс24 — адрес его входящего вебхука, https://ПОРТАЛ/rest/ПОЛЬЗОВАТЕЛЬ/КОД/ (Битрикс24: Разработчикам → Другое → Входящий вебхук, с правами crm и user)
crm-add-two-tokens = укажите --token-env или --token-file, не оба
crm-add-bad-token-env = --token-env — имя переменной окружения, например --token-env OKK_AMOCRM_TOKEN
crm-add-no-token = подключению amoCRM или Kommo нужен --token-env ПЕРЕМЕННАЯ или --token-file ПУТЬ (права 0600)
crm-add-bad-name = ИМЯ (источник его карточек) не может быть пустым или содержать управляющие символы
crm-add-duplicate = в { $config } уже есть подключение «{ $name }»; выберите другое ИМЯ
crm-same-account = okk: { $place }: подключение «{ $name }» читает тот же аккаунт, что и «{ $first }» (строка { $line }, { $account }), и те же воронки: каждая общая сделка синхронизируется дважды, двумя карточками под двумя источниками; удалите одну из двух таблиц [[crm]] или задайте каждой свои pipelines
crm-add-same-account = «{ $name }» читало бы тот же аккаунт, что и «{ $first }» ({ $account }), и те же воронки: каждая общая сделка синхронизировалась бы дважды, двумя карточками под двумя источниками; синхронизируйте «{ $first }» или разведите их по разным воронкам (здесь --pipeline, в таблице «{ $first }» pipelines = […])
crm-add-cut = сохранён адрес { $url }: остальное ({ $dropped }) не нужно
crm-added = подключение «{ $name }» добавлено в { $config }; проверьте его: `{ $command }`
crm-remove-unknown = в { $config } нет подключения «{ $name }»{ $count ->
    [0] {""}
   *[other] ; есть { $names }
}
crm-removed = подключение «{ $name }» убрано из { $config }; синхронизированные им карточки остаются в хранилище (добавленное снова под тем же именем, оно продолжит с последней синхронизации)
crm-list-token-warning = okk: предупреждение: { $problem }; до тех пор его синхронизация остановится до первого запроса
crm-add-token-warning = okk: предупреждение: { $problem }. Подключение всё равно записано: okk читает токен при каждой синхронизации
crm-column-name = имя
crm-column-kind = вид
crm-column-url = адрес
crm-column-token = токен
crm-column-pipelines = воронки
crm-column-last-sync = последняя синхронизация
crm-column-last-full-sweep = последний полный проход
crm-token-env = переменная { $var }
crm-token-file = файл { $path }
crm-token-in-url = в адресе вебхука
crm-never = никогда
crm-all-pipelines = все
crm-refused-how-amocrm = создайте в CRM новый долгосрочный токен (Настройки → Интеграции → ваша частная интеграция → Ключи и доступы → Сгенерировать долгосрочный токен) и положите его туда, куда указывает token_env или token_file подключения
crm-refused-how-bitrix24 = создайте в Битрикс24 новый входящий вебхук (Разработчикам → Другое → Входящий вебхук, с правами crm и user) и укажите его адрес в url подключения
crm-refused = { $name }: { $url } отклонил токен ({ $detail }): { $how }.
crm-refused-webhook = { $name }: { $url } отклонил вебхук ({ $detail }): { $how }.
crm-refused-nothing-changed = Ничего не изменено.
crm-add-webhook-no-token = секрет вебхука Битрикс24 — в его адресе (--url), { $flag } ему не нужен; уберите этот флаг
crm-forbidden = { $name }: CRM отказалась показать { $what } (403: { $detail }). { $how }
crm-forbidden-how-amocrm = Возьмите долгосрочный токен администратора или пользователя с правами на сделки и события; если аккаунт принимает запросы API только с IP-адресов из своего списка разрешённых, добавьте в него адрес этой машины; если адрес заблокирован за превышение лимита запросов, подождите час и попробуйте снова
crm-forbidden-how-bitrix24 = Дайте вебхуку право crm, и пусть его создаст пользователь, которому видны сделки (Битрикс24: Разработчикам → Другое → Входящий вебхук); если портал принимает запросы только с IP-адресов из своего списка разрешённых, добавьте в него адрес этой машины; если адрес заблокирован за превышение лимита запросов, подождите час и попробуйте снова
crm-http-status = { $name }: CRM ответила { $status } на запрос { $what }: { $detail }
crm-network = { $name }: { $url } недоступен после { $tries ->
    [one] { $tries } попытки
   *[other] { $tries } попыток
}: { $detail }
crm-network-kept = Уже прочитанные страницы сохранены; запустите `{ $command }` снова, чтобы продолжить.
crm-net-refused = соединение отклонено (по этому адресу никто не принимает подключения)
crm-net-not-resolved = имя сервера не найдено (проверьте адрес и сеть)
crm-net-timed-out = сервер не ответил вовремя
crm-net-setup-timed-out = соединение не установилось вовремя (его отбрасывает сетевой экран, или сервер не работает)
crm-net-setup-timed-out-https = защищённое соединение (https) не установилось вовремя: сервер не работает, соединение отбрасывает сетевой экран, или по этому адресу нет https (проверьте порт; `http://` — только для этой машины)
crm-net-tls = не удалось установить защищённое соединение TLS ({ $detail })
crm-gave-up = { $name }: CRM всё ещё отвечает { $status } (слишком много запросов) после { $tries ->
    [one] { $tries } попытки
   *[other] { $tries } попыток
}
crm-gave-up-kept = уже прочитанные страницы сохранены; запустите `{ $command }` позже
crm-network-check-address = Ничего не прочитано: проверьте адрес подключения (`{ $list }`) и попробуйте его командой `{ $command }`.
crm-network-nothing-read = Ничего не прочитано; запустите `{ $command }` снова, когда CRM начнёт отвечать.
crm-gave-up-nothing-read = ничего не прочитано; запустите `{ $command }` позже
crm-bad-body = { $name }: ответ CRM на { $what } не такой, как описано в её API: { $detail }
crm-sync-under-way = { $name }: другой okk сейчас синхронизирует это подключение в то же хранилище; попробуйте снова, когда он закончит
crm-sync-lock-failed = { $name }: не удалось взять блокировку синхронизации рядом с хранилищем: { $error }
crm-interrupted = прервано; то, что успело записаться, сохранено; запустите { $command } снова, чтобы продолжить
crm-server-silent = { $name }: нет ответа от сервера { $url } (связь с ним зависла или оборвалась); то, что успело записаться, сохранено: когда сервер ответит, запустите { $command } снова, чтобы продолжить
crm-interrupted-sweep = прервано; то, что успело записаться, сохранено; запустите { $command } снова, чтобы продолжить: команда завершит начатый полный проход
crm-users-forbidden = токену нельзя читать список пользователей (токену администратора можно): ответственные показаны по их id в CRM
crm-users-forbidden-webhook = вебхуку нельзя читать список пользователей (у него нет права user: добавьте его вебхуку в Битрикс24, Разработчикам → Другое → Входящий вебхук): ответственные показаны по их id в Битрикс24
crm-comments-unread = комментарии сделки { $deal } прочитать не удалось ({ $error }): её примечания оставлены как были
crm-unknown-pipeline = { $name }: в CRM нет воронки «{ $pipeline }» (она названа в списке pipelines подключения); воронки CRM: { $known }; исправьте имя в pipelines = […] таблицы [[crm]] подключения
crm-test-ok = { $name }: токен работает: аккаунт { $account }, пользователь { $user }
crm-test-ok-webhook = { $name }: вебхук работает: портал { $account }, пользователь { $user }
crm-test-cannot-sync = { $name }: okk sync читает { $what }, а этому подключению их читать нельзя. { $how }
crm-resource-deals = сделки
crm-resource-pipelines = воронки
crm-resource-users = пользователи
crm-resource-events = события
crm-resource-stages = воронки и этапы
crm-resource-stage-history = история этапов
crm-resource-comments = комментарии
crm-resource-activities = открытые дела (ближайшая задача)
crm-can-read = можно читать
crm-cannot-read = нельзя читать
crm-report = { $connection }: прочитано сделок: { $rows }{ $dry_run }
crm-report-nothing-changed = изменений нет
crm-report-address = { $kind }, { $url }
crm-report-new = новых: { $count }
crm-report-changed = изменено: { $count } (сменили этап: { $moved })
crm-report-renamed-cards = из них на переименованном этапе: { $count } (этап не сменили)
crm-report-unchanged = без изменений: { $count }
crm-report-notes-changed = изменились только примечания (сделки не читались): { $count }
crm-report-not-carried = обязательного поля нет в CRM (не отмечается): { $field }
crm-report-new-field = новое поле (прежде его не было): { $field }
crm-report-new-field-cards = значение из новых полей { $cards ->
    [one] получила { $cards } карточка
    [few] получили { $cards } карточки
   *[many] получили { $cards } карточек
} (это не изменение)
crm-report-missing-field = поле больше не приходит (карточки его хранят): { $field }
crm-report-gone = нет в CRM: { $count }
crm-report-gone-unchecked = нет в CRM: не проверялось (Битрикс24 не сообщает, каких сделок больше нет)
crm-report-requests = запросов: { $requests }, повторов: { $retries }
crm-report-dry-run = пробный запуск: ничего не записано
crm-report-since = с { $since }
crm-report-until = прочитаны изменения по { $until }{ $since }
crm-report-sweep-finished = завершён полный проход, начатый { $at }
crm-report-resumed = продолжена прерванная синхронизация, начатая { $at }
crm-report-resumed-landed = до остановки она уже записала: новых { $inserted }, изменено { $updated }, нет в CRM { $gone }
crm-report-resumed-total = всего за синхронизацию: новых { $inserted }, изменено { $updated }, нет в CRM { $gone }
crm-report-reread = все сделки прочитаны заново, один раз: прежний okk писал часть значений иначе
crm-report-reread-renamed = все сделки прочитаны заново, один раз: в CRM переименовали этап или воронку
crm-pipeline-filter-renamed = CRM переименовала воронку «{ $from }» в «{ $to }», указанную в `pipelines` подключения: прочитана под новым именем; впишите «{ $to }» туда в настройках
crm-report-pipeline-renamed = воронка переименована в CRM: «{ $from }» → «{ $to }»
crm-report-pipeline-renamed-cards = её карточки получили новое название: ни одна не изменилась, проверки в силе
crm-report-funnel-old-pipeline = этап «{ $stage }» воронки okk называет её старым именем: впишите новое
crm-report-stage-renamed = этап переименован в CRM: «{ $from }» → «{ $to }» («{ $pipeline }»)
crm-report-stage-renamed-cards = карточки этапа получили новое название: ни одна не перешла, проверки в силе
crm-report-stage-renamed-alias = добавьте «{ $to }» в псевдонимы этапа «{ $stage }» в воронке
crm-report-full-sweep = последний полный проход: { $at }
crm-report-find-gone = найти сделки, которых больше нет в CRM: `{ $command }`
crm-report-unknown-stage = этапа нет в воронке: { $stage } ({ $cards ->
    [one] { $cards } карточка
    [few] { $cards } карточки
   *[other] { $cards } карточек
} источника «{ $source }»)
crm-report-unknown-stage-read = этапа нет в воронке: { $stage } (карточек «{ $source }» нет; { $read ->
    [one] прочитана { $read } сделка
    [few] прочитано { $read } сделки
   *[other] прочитано { $read } сделок
})
crm-report-warnings = { $count ->
    [one] { $count } предупреждение
    [few] { $count } предупреждения
   *[other] { $count } предупреждений
}
crm-report-warning = предупреждение: { $warning }
crm-deal = сделка { $id }
crm-sync-opening = { $name }: запрос воронок, пользователей и полей у CRM{ $retries }
crm-sync-progress = { $name }: { $reading }, { $pages }, { $requests }{ $retries }
crm-sync-reading-notes = примечаний прочитано: { $count }
crm-sync-reading-deals = сделок прочитано: { $count }
crm-sync-reading-moves = смен этапов и удалений прочитано: { $count }
crm-sync-pages = страниц: { $count }
crm-sync-requests = запросов: { $count }
crm-sync-retries = повторов: { $count }
crm-deal-warning = сделка { $line }: { $column }: { $message }
crm-pipeline-without-id = воронка без id
crm-stage-without-id = этап без id
crm-deal-without-id-or-time = сделка без id или updated_at
crm-deal-without-id = сделка без ID
crm-twin-config-file = файле настроек
crm-twin-source = { $name }: эти сделки уже есть в хранилище — из выгрузок под источником «{ $source }» (по ID и названию совпали { $matched } из первых { $read } прочитанных): первая синхронизация завела бы каждую второй карточкой, а проверки остались бы на старых. Ни одной карточки не записано. Чтобы продолжить те карточки и их проверки, назовите подключение как они: в { $file } замените name = { $old } на name = { $new } и запустите `{ $same }`. Если это другой аккаунт: `{ $apart }`.
crm-add-file-sources = в хранилище { $cards } карточек из выгрузок { $kind } под источником «{ $source }»{ $more ->
    [0] {""}
   *[other] {" "}(и ещё источников: { $more })
}: если «{ $name }» — тот же аккаунт, назовите подключение «{ $source }», чтобы его первая синхронизация продолжила те карточки и их проверки (иначе `okk sync` остановится и скажет об этом)
