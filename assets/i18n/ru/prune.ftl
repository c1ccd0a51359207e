# okk db imports и okk db prune (src/text/prune.rs).

prune-bad-run = «{ $value }»: ожидался номер импорта, как его показывает okk db imports, или last
prune-imports-none = в { $store } ещё нет ни одного импорта: карточки приносит okk import ФАЙЛ (или okk sync)
prune-imports-header = Импорты и синхронизации { $store }:
prune-col-run = №
prune-col-when = когда
prune-col-profile = профиль
prune-col-source = источник
prune-col-rows = строк
prune-col-new = новых
prune-col-updated = изменено
prune-col-unchanged = без изменений
prune-col-here = осталось
prune-col-file = файл или подключение
prune-what-import = Импорт { $run } ({ $file }, { $when }, источник «{ $source }»): из карточек, которые он принёс первым, в хранилище { $cards }.
prune-what-sync = Синхронизация { $run } подключения «{ $connection }», начатая { $when } ({ $file }): из карточек, которые она принесла первой, в хранилище { $cards }.
prune-what-source = Источник «{ $source }»: в хранилище { $cards }.
prune-what-gone = Карточки, которых больше нет в CRM или которых не было в полной выгрузке: { $cards }.
prune-nothing = Убирать из { $store } нечего.
prune-would-remove = Из { $store } было бы убрано: { $cards } (пробный запуск: ничего не изменено).
prune-would-remove-asked = Из { $store } будет убрано: { $cards }.
prune-removed = Из { $store } убрано: { $cards }.
prune-kept = { $count ->
    [1] Оставлена { $cards } — на ней есть работа отдела, которую prune сохраняет:
   *[other] Оставлено: { $cards } — на них есть работа отдела, которую prune сохраняет:
}
prune-work-reviews = проверки
prune-work-drafts = черновик
prune-work-leases = карточка сейчас взята аудитором
prune-work-calibrations = выборка калибровки
prune-kept-for = { $work }: { $cards } ({ $ids })
prune-kept-count = { $count ->
    [1] Она по-прежнему учитывается везде: в okk stats и okk report, в очередях и в таблице ответственных.
   *[other] Они по-прежнему учитываются везде: в okk stats и okk report, в очередях и в таблице ответственных.
}
prune-kept-calibration = Пока открыта калибровка { $id } («{ $stage }»), она держит: { $cards }. Когда руководитель её завершит (okk calibrate end { $id }), prune сможет их убрать (те, на которых есть проверки или черновики, — с --with-work).
prune-kept-release = Чтобы убрать карточки, оставленные только ради проверок и черновиков, вместе с этой работой (и решениями руководителя по этим проверкам): okk db prune { $selector } --with-work (сначала посмотрите с --dry-run).
prune-released = { $dry ->
    [yes] Ушли бы вместе с работой отдела (--with-work): { $cards }:
   *[no] Убраны вместе с работой отдела (--with-work): { $cards }:
}
prune-work-rows = { $dry ->
    [yes] ушло бы работы отдела: проверок { $reviews } (решений руководителя по ним { $decisions }), черновиков { $drafts }
   *[no] убрано работы отдела: проверок { $reviews } (решений руководителя по ним { $decisions }), черновиков { $drafts }
}
prune-updated-only = Ещё он изменил { $cards } из прежних импортов: они остаются такими, какими он их оставил (прежнее содержимое карточек okk не хранит).
prune-updated-only-sync = Ещё она изменила { $cards } из прежних импортов и синхронизаций: они остаются такими, какими она их оставила (прежнее содержимое карточек okk не хранит).
prune-runs-would-go = { $count ->
    [one] Запись { $runs } из списка okk db imports тоже была бы убрана: в хранилище на неё больше ничто не ссылалось бы.
   *[other] Записи { $runs } из списка okk db imports тоже были бы убраны: в хранилище на них больше ничто не ссылалось бы.
}
prune-runs-gone = { $count ->
    [one] Запись { $runs } из списка okk db imports тоже убрана: в хранилище на неё больше ничто не ссылается.
   *[other] Записи { $runs } из списка okk db imports тоже убраны: в хранилище на них больше ничто не ссылается.
}
prune-connections-reset = { $count ->
    [one] У подключения «{ $names }» не осталось карточек: следующий okk sync прочитает все его сделки заново, как первая синхронизация.
   *[other] У подключений { $names } не осталось карточек: следующий okk sync прочитает все их сделки заново, как первая синхронизация.
}
prune-ask = Убрать { $cards } из { $store } насовсем? [д/Н]{ " " }
prune-ask-with-work = Убрать { $cards } из { $store } насовсем, вместе с проверками ({ $reviews }) и черновиками ({ $drafts })? [д/Н]{ " " }
prune-not-removed = Ничего не убрано: ответ — нет.
prune-needs-yes = okk db prune убирает карточки насовсем, а спросить здесь не может (это не терминал): добавьте --yes, чтобы убрать их, или --dry-run, чтобы увидеть, что было бы убрано
prune-no-such-run = в { $store } нет импорта { $run }: их список показывает okk db imports
prune-no-runs = в { $store } ещё нет ни одного импорта: убирать нечего
prune-no-such-source = в { $store } нет карточек источника «{ $source }»; источники хранилища: { $sources }
prune-no-source-at-all = в { $store } нет карточек источника «{ $source }», как и никакого другого
prune-lead-only = okk db prune на серверном хранилище — команда владельца базы или руководителя: роль входа { $login } не владеет этим хранилищем и не принадлежит руководителю (роли входа руководителям назначает okk db roles)
prune-refused-on-server = сервер не даёт роли входа { $login } убирать карточки: её правам на { $table } недостаёт того, что нужно очистке. okk db roles снова выдаёт роли входа руководителя права руководителя (запускает её владелец базы); убирать карточки может и роль входа владельца базы
