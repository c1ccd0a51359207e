# Что печатает `okk fields`, и раздел отчёта о полях (src/text/fields.rs).

fields-none = Нет карточек с пользовательскими полями под эти условия.
fields-title = Заполненность пользовательских полей по этапам (заполнено из карточек):
fields-bound-required = привязано, обязательно
fields-bound = привязано
fields-required = обязательно
fields-emptiest = больше всех пустых: { $owner } — пусто { $empty } из { $cards }
fields-report-emptiest = { $owner } — пусто { $empty } из { $cards }
fields-filled = { $filled } из { $cards } ({ $rate })
fields-not-exported = не приходит из { $sources }
fields-no-owner = (без ответственного)
fields-report-title = Заполненность полей
fields-report-note = Пользовательские поля, которые воронка привязывает к этапу или требует на нём: у скольких карточек этапа они заполнены и какой ответственный чаще всех оставляет их пустыми. `okk fields` показывает все столбцы, объявленные и нет.
fields-report-none = Воронка не привязывает и не требует ни одного пользовательского поля.
fields-column-field = Поле
fields-column-stage = Этап
fields-column-filled = Заполнено
fields-column-cards = Карточек
fields-column-rate = Доля
fields-column-emptiest = Чаще всех пустое у
fields-report-trend = Динамика: доля заполнения после каждого из последних импортов и синхронизаций, менявших карточки, от старых к новым (последняя — после последнего запуска).
fields-column-trend = Динамика
fields-trend = по запускам: { $rates }
