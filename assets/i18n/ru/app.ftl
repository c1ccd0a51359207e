# Сообщения самих команд: пути, `okk funnel check`, демо, таблица аудиторов (src/text/app.rs).

app-no-home-dir = не найден домашний каталог для путей --db и --funnel по умолчанию; укажите их явно
app-upgrading-store = okk: обновляю хранилище { $path } со схемы { $from } до { $to } (один раз; миллион карточек — около минуты)…
app-wrote-default-funnel = okk: записана стандартная настройка воронки в { $path } (поправьте её под свою CRM)
app-would-write-default-funnel = okk: пробный запуск: используется стандартная настройка воронки, она не записывается; запуск без --dry-run записал бы её в { $path } (тогда поправьте её под свою CRM)
app-no-funnel-file = { $path }: здесь нет файла воронки (его называет --funnel или OKK_FUNNEL). Как завести: { $ways }
app-no-funnel-way-store = `okk funnel init --from-store --out { $arg }` запишет его по этапам из хранилища
app-no-funnel-way-builtin = `okk funnel init --out { $arg }` запишет туда встроенную воронку, чтобы поправить её под свою CRM
app-no-funnel-way-copy = скопируйте стандартную настройку воронки из { $default }
app-no-funnel-or = или
app-cannot-write = { $path }: не удаётся записать: { $error }
app-funnel-ok = { $path }: всё в порядке — «{ $name }», { $stages ->
    [one] { $stages } этап
    [few] { $stages } этапа
   *[other] { $stages } этапов
}, { $fields ->
    [one] { $fields } своё поле
    [few] { $fields } своих поля
   *[other] { $fields } своих полей
}, { $items ->
    [one] { $items } пункт чек-листа
    [few] { $items } пункта чек-листа
   *[other] { $items } пунктов чек-листа
}
app-stranded-had = okk: внимание: { $cards ->
    [one] { $cards } карточка{ $reviews } стоит
    [few] { $cards } карточки{ $reviews } стоят
   *[other] { $cards } карточек{ $reviews } стоят
} на этапе «{ $stage }», которого в этой воронке больше нет, и с ней они окажутся вне воронки; { $fix }
app-stranded-never = okk: внимание: { $cards ->
    [one] { $cards } карточка{ $reviews } стоит
    [few] { $cards } карточки{ $reviews } стоят
   *[other] { $cards } карточек{ $reviews } стоят
} на этапе «{ $stage }», которого нет и в этой воронке (вне воронки); { $fix }
app-stranded-reviews = { " " }(и проверок: { $count })
app-stranded-fix = добавьте «{ $stage }» в псевдонимы (aliases) этапа, к которому они относятся
app-stranded-fix-like = добавьте «{ $stage }» в псевдонимы (aliases) этапа, к которому они относятся (этапа «{ $like }», если переименован он)
app-demo-where =
    Демо-база: { $db }
    Попробуйте: okk stats --json --db { $db }
                okk check --db { $db }
                okk queue --stage "Отработка возражений" --db { $db }
app-alignment-with-lead = совпадение с руководителем по пунктам чек-листа (из проверок, по которым руководитель решил и оба ответили на пункт):
app-unanswered = { $count ->
    [one] { $count } пункт чек-листа остался
    [few] { $count } пункта чек-листа остались
   *[other] { $count } пунктов чек-листа остались
} без ответа (не считаются ни «да», ни «нет»)
app-bad-day = «{ $given }» — не день: ожидается ГГГГ-ММ-ДД, например 2026-11-20
app-never-exports = «{ $source }» никогда не выгружает (на его карточках не отмечается):
app-required-at = { $field }: требуется на этапах { $stages }
app-task-read-at = { $field }: по нему судит правило no_task на этапах { $stages }
app-every-source-exports = Каждый источник выгружает все поля, которых требует воронка.
app-caused-by = причина: { $cause }
app-pending-saved = okk: { $n ->
    [one] сохранён { $n } вердикт, оставленный
    [few] сохранены { $n } вердикта, оставленные
   *[other] сохранено { $n } вердиктов, оставленных
} для хранилища остановленной проверкой
app-pending-saved-changed = okk: { $cards }: { $n ->
    [one] карточка изменилась в CRM после вердикта, сохранённого сейчас: вердикт записан, в очереди карточка отмечена ↻; посмотрите её снова
    [few] карточки изменились в CRM после вердиктов, сохранённых сейчас: вердикты записаны, в очереди карточки отмечены ↻; посмотрите их снова
   *[other] карточки изменились в CRM после вердиктов, сохранённых сейчас: вердикты записаны, в очереди карточки отмечены ↻; посмотрите их снова
}
app-pending-saved-beside = okk: #{ $card }: по этой карточке есть и { $n ->
    [one] вердикт { $others }
   *[other] вердикты { $others }
}: записаны оба, а расходящиеся ждут решения руководителя
app-pending-unreadable = okk: { $file }: вердикт, оставленный для хранилища, не читается; он остаётся там
app-server-silent = нет ответа от сервера { $url }: связь с ним зависла или оборвалась (okk перестаёт ждать, когда сервер { $seconds ->
    [one] { $seconds } секунду
    [few] { $seconds } секунды
   *[other] { $seconds } секунд
} ничего не присылает и не принимает нового подключения); что команда не закончила, не записано: запустите её снова, когда сервер ответит
app-pending-torn-card = okk: не дописанный вердикт по #{ $card } отброшен ({ $file }): проверку остановили, пока он записывался, и сохранённым на экране он не значился; вынесите вердикт по карточке заново
app-pending-torn = okk: не дописанный вердикт отброшен ({ $file }): проверку остановили, пока он записывался, и сохранённым на экране он не значился; вынесите вердикт по его карточке заново
app-pending-failed = okk: вердикты, оставленные для хранилища, ещё не сохранены: { $error }

# Хранилище командного сервера на PostgreSQL и `okk db copy`.
app-not-on-server =
    эта команда пока не работает с хранилищем на PostgreSQL ({ $server }).
      На сервере работают: okk review, okk lead, okk queue (с --claim N), okk stats,
      okk import, okk sync, okk check, okk calibrate, okk fields,
      okk export reviews, okk export crm, okk report, okk bundle export, okk bundle import,
      okk bundle trust, okk bundle keys, okk funnel apply, okk funnel history,
      okk funnel check --store, okk funnel init --from-store, okk funnel suggest,
      okk db roles, okk db imports, okk db prune,
      okk db copy ФАЙЛ { $server } (перенос хранилища SQLite с ноутбука) и обратно в новый файл.
      Все остальные команды работают с хранилищем SQLite: --db ФАЙЛ.
app-import-owner-only = okk import в хранилище на сервере выполняет владелец базы или руководитель: роль входа { $login } не владеет этим хранилищем и не принадлежит руководителю (роли входа руководителям назначает okk db roles)
app-import-no-check-on-server = --no-check не применяется к хранилищу на сервере: у него нет отдельного прогона правил, и импорт сам проверяет каждую записанную карточку
app-sync-owner-only = okk sync в хранилище на сервере выполняет владелец базы или руководитель: роль входа { $login } не владеет этим хранилищем и не принадлежит руководителю (роли входа руководителям назначает okk db roles)
app-bundle-import-owner-only = okk bundle import в хранилище на сервере выполняет владелец базы или руководитель: роль входа { $login } не владеет этим хранилищем и не принадлежит руководителю (роли входа руководителям назначает okk db roles); передайте пакет руководителю
app-sync-no-check-on-server = --no-check не применяется к хранилищу на сервере: у него нет отдельного прогона правил, и синхронизация сама проверяет каждую записанную карточку
app-copy-direction = db copy переносит хранилище целиком между файлом SQLite и PostgreSQL: okk db copy ФАЙЛ postgres://… (в пустое хранилище сервера) или okk db copy postgres://… ФАЙЛ (в новый файл); из { $from } в { $to } — ни то ни другое
app-copied = Скопировано в { $to }:
app-conninfo-not-url = «{ $conninfo }» — строка подключения PostgreSQL в виде ключей; okk принимает адрес вида postgres://ПОЛЬЗОВАТЕЛЬ:ПАРОЛЬ@СЕРВЕР:ПОРТ/БАЗА (символы @, : и / в пароле — в процентной записи: @ как %40)
app-url-password-at = { $url }: в адресе больше одного @ перед именем сервера: @ в пароле пишется как %40 (а : как %3A, / как %2F)
app-no-store-yet = { $path }: хранилища здесь ещё нет. Его создаёт `okk import ФАЙЛ` (или `okk sync`), пример покажет `okk demo`; если оно должно быть здесь, проверьте --db или OKK_DB.
app-no-store-file = { $path }: такого файла хранилища нет

# Кто что может (okk db roles) и воронка хранилища (okk funnel apply).
app-roles-not-mapped = { $login }: эта роль входа PostgreSQL не сопоставлена ни одному пользователю okk этого хранилища; владелец базы сопоставляет её командой okk db roles --auditor ИМЯ={ $login }
app-roles-other-name = это подключение — пользователь okk { $mapped } (его роль входа PostgreSQL сопоставлена ему): действовать от имени { $given } оно не может
app-copy-signs-as-other = это хранилище скопировано с командного сервера для пользователя okk { $copied } (okk db copy под его входом): его пакеты подписываются только за { $copied }, не от имени { $given }
app-roles-unknown = { $name } — не пользователь этого хранилища: роли в нём назначены, и работают в нём только пользователи, названные в okk db roles (их список выводит okk db roles)
app-roles-unknown-unnamed = имя не названо, а то, что okk взял вместо него, { $name } (auditor из config.toml, иначе имя входа в систему, а без него — «auditor»), — не пользователь этого хранилища: роли в нём назначены. Назовите себя: { $flag } ИМЯ, переменная { $env } или auditor = "ИМЯ" в config.toml (пользователей выводит okk db roles)
app-roles-not-lead = { $name } — аудитор в этом хранилище: решения по проверкам принимает только руководитель
app-roles-not-lead-funnel = { $name } — аудитор в этом хранилище: воронку применяет только руководитель
app-roles-not-lead-calibrate = { $name } — аудитор в этом хранилище: калибровку начинает только руководитель
app-roles-not-lead-end-calibration = { $name } — аудитор в этом хранилище: калибровку завершает только руководитель (руководители хранилища: { $leads })
app-roles-not-lead-end-calibration-no-lead = { $name } — аудитор в этом хранилище: калибровку завершает только руководитель, а руководителя в нём ещё не назначили (okk db roles --lead ИМЯ)
app-roles-owner-only = okk db roles — команда владельца базы: роль входа { $login } этим хранилищем не владеет
app-roles-login-on-file = { $entry }: у файла хранилища нет ролей входа (он принадлежит одному человеку); укажите пользователя без =ЛОГИН
app-roles-bad-entry = { $entry }: ожидалось ИМЯ или ИМЯ=ЛОГИН
app-roles-saved = { $store }: назначено пользователей: { $count }; роли в хранилище назначены
app-roles-none = в { $store } пока нет пользователей: имена регистрируются при первом использовании, пока okk db roles --auditor ИМЯ --lead ИМЯ не назначит роли
app-roles-header = Пользователи { $store }:
app-role-auditor = аудитор
app-role-lead = руководитель
app-roles-assigned = назначен в okk db roles
app-roles-registered = зарегистрирован при первом использовании
app-funnel-applied = { $store }: применена версия воронки { $version }; каждая команда на этом хранилище судит по ней, и флаги уже вынесены заново по ней: с флагом { $flagged } из { $cards } { $cards ->
    [one] карточки
   *[other] карточек
}
app-funnel-applied-unjudged = { $store }: применена версия воронки { $version }; каждая команда на этом хранилище судит по ней
app-funnel-apply-rules-failed = okk: внимание: флаги не вынесены заново по новой версии ({ $error }); пока их не вынесет okk check руководителя, статистика, очереди и проверка показывают флаги прежней воронки
app-stores-funnel-shown = okk: воронка хранилища (версия { $version }, применил { $by }, { $at }): по ней судит каждая команда на этом хранилище, а не по локальному файлу воронки
app-given-funnel-not-stores = okk: { $file } — файл из --funnel, а не воронка, по которой судит хранилище: оно судит по своей версии { $version } (применил { $by }, { $at }); сделать файл воронкой хранилища: okk funnel apply { $file }
app-flags-of-another-funnel = okk: внимание: флаги на сервере вынесены по другой воронке, не по воронке хранилища (версия { $version }), и показаны как есть (этап, который в версии есть, может значиться «чужим»); их заново вынесет okk check руководителя
app-stored-funnel-used = используется воронка хранилища (версия { $version }, применил { $by }, { $at }); { $file } от неё отличается и не используется
app-copy-target-exists = { $path } уже существует: okk db copy записывает хранилище сервера только в новый файл и никогда не пишет поверх
