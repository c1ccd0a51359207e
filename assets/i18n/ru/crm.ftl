# Сообщения о подключениях к CRM и `okk sync`: ошибки настройки, ответы CRM и отчёт синхронизации
# (src/text/crm.rs).

crm-bad-name = у подключения должно быть имя (источник, который получат его карточки), например name = "main"
crm-duplicate-name = подключение «{ $name }» уже описано выше
crm-bad-kind = неизвестный вид CRM «{ $kind }»; используйте один из: amocrm, kommo, bitrix24
crm-bad-url = ожидается адрес аккаунта, например url = "https://example.amocrm.ru" (Bitrix24: входящий вебхук, https://portal.bitrix24.ru/rest/1/КОД/)
crm-https-required = адрес должен быть https (обычный http — только для этой машины: 127.0.0.1, localhost, [::1])
crm-two-tokens = укажите token_env или token_file, но не оба
crm-bad-token-env = token_env — имя переменной окружения, например token_env = "OKK_AMOCRM_TOKEN"
crm-no-webhook-secret = подключению Bitrix24 без токена нужен адрес входящего вебхука, https://ПОРТАЛ/rest/ПОЛЬЗОВАТЕЛЬ/КОД/
crm-no-token = подключению «{ $name }» нужен token_env = "ПЕРЕМЕННАЯ" или token_file = "ПУТЬ" (права 0600)
crm-token-env-unset = подключение «{ $name }»: переменная окружения { $var } с его токеном не задана
crm-token-file-unreadable = подключение «{ $name }»: не удаётся прочитать файл токена { $path }: { $error }
crm-token-file-open = подключение «{ $name }»: файл токена { $path } могут читать другие (права { $mode }); выполните chmod 600 { $path }
crm-token-file-empty = подключение «{ $name }»: файл токена { $path } пуст
crm-unknown-connection-none = подключения к CRM «{ $name }» нет: в файле настроек их нет вовсе; добавьте через `okk crm add`
crm-unknown-connection = подключения к CRM «{ $name }» нет; в файле настроек есть: { $known }
crm-no-connections = в файле настроек нет подключений [[crm]]; добавьте одно: `okk crm add ИМЯ --kind amocrm --url https://example.amocrm.ru --token-env OKK_AMOCRM_TOKEN`
crm-add-needs = okk crm add нужен { $flag }
crm-added = подключение «{ $name }» добавлено в { $config }; проверьте его: `okk crm test { $name }`
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
crm-refused-how-bitrix24 = создайте в Bitrix24 новый входящий вебхук (Разработчикам → Другое → Входящий вебхук, с правами crm и user) и укажите его адрес в url подключения
crm-refused = { $name }: { $url } отклонил токен ({ $detail }): { $how }. Ничего не изменено.
crm-forbidden = { $name }: CRM отказалась показать { $what } (403: { $detail }); прав токена на это не хватает или адрес заблокирован за превышение лимита запросов
crm-http-status = { $name }: CRM ответила { $status } на запрос { $what }: { $detail }
crm-network = { $name }: { $url } недоступен после { $tries ->
    [one] { $tries } попытки
   *[other] { $tries } попыток
}: { $detail }. Уже прочитанные страницы сохранены; запустите okk sync снова, чтобы продолжить.
crm-gave-up = { $name }: CRM всё ещё отвечает { $status } (слишком много запросов) после { $tries ->
    [one] { $tries } попытки
   *[other] { $tries } попыток
}; уже прочитанные страницы сохранены; запустите okk sync позже
crm-bad-body = { $name }: ответ CRM на { $what } не такой, как описано в её API: { $detail }
crm-users-forbidden = токену нельзя читать список пользователей (токену администратора можно): ответственные показаны по их id в CRM
crm-comments-unread = комментарии сделки { $deal } прочитать не удалось ({ $error }): её примечания оставлены как были
crm-unknown-pipeline = в CRM нет воронки «{ $pipeline }» (она названа в списке pipelines подключения)
crm-test-ok = { $name }: токен работает: аккаунт { $account }, пользователь { $user }
crm-can-read = можно читать
crm-cannot-read = нельзя читать
crm-report = { $connection } ({ $kind }, { $url }): прочитано сделок: { $rows }; новых { $inserted }, изменено { $updated } (сменили этап { $moved }), без изменений { $unchanged }, нет в CRM { $gone }; запросов { $requests }, повторов { $retries }{ $dry_run }
crm-report-dry-run = пробный запуск: ничего не записано
crm-report-since = с { $since }
crm-report-until = прочитаны изменения по { $until }{ $since }
crm-report-full-sweep = последний полный проход: { $at }
crm-report-unknown-stage = этапа нет в воронке: { $stage } ({ $cards ->
    [one] { $cards } карточка
    [few] { $cards } карточки
   *[other] { $cards } карточек
})
crm-report-warnings = { $count ->
    [one] { $count } предупреждение
    [few] { $count } предупреждения
   *[other] { $count } предупреждений
}
crm-report-warning = предупреждение: { $warning }
crm-deal = сделка { $id }
crm-sync-progress = сделок: { $deals }, страниц: { $pages }, запросов: { $requests }, ожиданий: { $waits }
crm-deal-warning = сделка { $line }: { $column }: { $message }
crm-pipeline-without-id = воронка без id
crm-stage-without-id = этап без id
crm-deal-without-id-or-time = сделка без id или updated_at
crm-deal-without-id = сделка без ID
