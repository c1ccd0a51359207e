# Слова, общие для многих разделов: существительные с числом (формы множественного числа — по CLDR
# через Fluent: one — 1, 21, 101; few — 2–4, 22–24; many — 0, 5–20, 25–30, 111; other — дроби).

# Длительность с точностью до секунды (сокращённые единицы не склоняются).
common-seconds = { $seconds } сек
common-minutes = { $minutes } мин { $seconds } сек

# Куда пишет `--out -`: так его называют сообщения о записанном файле.
common-stdout = стандартный вывод

common-cards = { $count ->
    [one] { $count } карточка
    [few] { $count } карточки
    [many] { $count } карточек
   *[other] { $count } карточки
}
common-days = { $count ->
    [one] { $count } день
    [few] { $count } дня
    [many] { $count } дней
   *[other] { $count } дня
}
common-reviews = { $count ->
    [one] { $count } проверка
    [few] { $count } проверки
    [many] { $count } проверок
   *[other] { $count } проверки
}

# Что значит ошибка операционной системы, по её виду (текст самой ОС только английский).
common-os-not-found = нет такого файла или каталога
common-os-permission-denied = нет прав доступа
common-os-already-exists = файл или каталог с таким именем уже есть
common-os-is-a-directory = это каталог, а не файл
common-os-not-a-directory = часть пути — не каталог
common-os-storage-full = диск заполнен
common-os-read-only = файловая система только для чтения
common-os-too-large = файл слишком большой
common-os-invalid-name = такое имя файла здесь недопустимо
common-os-unexpected-end = файл обрывается раньше времени
common-os-out-of-memory = не хватает памяти
# The form of a week: iso (2026-W49) or dates (30.11–06.12); not translated text.
common-week-form = dates
