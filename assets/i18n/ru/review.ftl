# `okk review`, `okk keys` и `okk` без команды (src/text/review.rs).

review-no-cards = okk: в хранилище { $db } пока нет карточек.
    {"  "}okk demo           попробовать на демо-данных
    {"  "}okk import ФАЙЛ    импортировать выгрузку CRM, затем снова запустить okk
    {"  "}okk sync           или загрузить сделки по API CRM (сначала подключите её: okk crm add --help)
    {"  "}okk --help         все команды
review-needs-terminal = для проверки нужен терминал (stdin и stdout): запустите okk в окне терминала или используйте в скриптах `okk queue`, `okk check` и `okk stats`
