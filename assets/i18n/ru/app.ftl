# Сообщения самих команд: пути, `okk funnel check`, демо, таблица аудиторов (src/text/app.rs).

app-no-home-dir = не найден домашний каталог для путей --db и --funnel по умолчанию; укажите их явно
app-upgrading-store = okk: обновляю хранилище { $path } со схемы { $from } до { $to } (один раз; миллион карточек — около минуты)…
app-wrote-default-funnel = okk: записана стандартная настройка воронки в { $path } (поправьте её под свою CRM)
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
app-demo-where =
    Демо-база: { $db }
    Попробуйте: okk --db { $db } stats --json
                okk --db { $db } check
                okk --db { $db } queue --stage "Отработка возражений"
app-alignment-with-lead = совпадение с руководителем: { $items }
app-unanswered = { $count ->
    [one] { $count } пункт чек-листа остался
    [few] { $count } пункта чек-листа остались
   *[other] { $count } пунктов чек-листа остались
} без ответа (не считаются ни «да», ни «нет»)
app-bad-day = «{ $given }» — не день: ожидается ГГГГ-ММ-ДД, например 2026-11-20
app-never-exports = «{ $source }» никогда не выгружает (на его карточках не отмечается):
app-required-at = { $field }: требуется на этапах { $stages }
app-every-source-exports = Каждый источник выгружает все поля, которых требует воронка.
app-caused-by = причина: { $cause }
app-pending-saved = okk: { $n ->
    [one] сохранён { $n } вердикт, оставленный
    [few] сохранены { $n } вердикта, оставленные
   *[other] сохранено { $n } вердиктов, оставленных
} для хранилища остановленной проверкой
app-pending-unreadable = okk: { $file }: вердикт, оставленный для хранилища, не читается; он остаётся там
app-pending-failed = okk: вердикты, оставленные для хранилища, ещё не сохранены: { $error }

# Хранилище командного сервера на PostgreSQL и `okk db copy`.
app-not-on-server =
    эта команда пока не работает с хранилищем на PostgreSQL ({ $server }).
      На сервере работают: okk review, okk lead, okk queue (с --claim N), okk stats,
      okk db copy ФАЙЛ { $server } (перенос хранилища SQLite с ноутбука).
      Все остальные команды работают с хранилищем SQLite: --db ФАЙЛ.
app-copy-direction = db copy переносит хранилище SQLite в пустое хранилище PostgreSQL: okk db copy ФАЙЛ postgres://…; из { $from } в { $to } пока перенести нельзя
app-copied = Скопировано в { $to }:
app-no-store-file = { $path }: такого файла хранилища нет
