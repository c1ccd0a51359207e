# Слова `okk calibrate` (src/text/calibrate.rs).

calibrate-too-few-auditors = для калибровки нужно не меньше двух аудиторов: --auditors anna,boris
calibrate-unknown-auditor = «{ $name }» — не аудитор этого хранилища: его нет ни среди пользователей, ни среди авторов проверок
calibrate-unknown-auditor-like = «{ $name }» — не аудитор этого хранилища: может быть, { $like }?
calibrate-unknown-or = или
calibrate-known-auditors = Проверяющие, известные хранилищу: { $names }.
calibrate-no-auditor-known = Хранилище ещё не знает проверяющих: в нём никто не проверял карточки, и okk db roles никого не назвал.
calibrate-name-new-auditor = Если имя верное, сначала назовите аудитора: okk db roles { $args } (список пользователей выводит okk db roles). Калибровка не начата.
calibrate-name-new-auditors = Если имена верные, сначала назовите аудиторов: okk db roles { $args } (список пользователей выводит okk db roles). Калибровка не начата.
calibrate-no-cards = на этапе «{ $stage }» нет карточек для калибровки
calibrate-not-found = калибровки { $id } нет: `okk calibrate list` показывает калибровки хранилища
calibrate-none-yet = калибровок ещё нет: начните с `okk calibrate new --stage ИМЯ --cards N --auditors А,Б`
calibrate-created =
    калибровка { $id } этапа «{ $stage }», начал { $by }: { $cards } из { $pool ->
        [one] { $pool } карточки
       *[other] { $pool } карточек
    } (зерно { $seed }), для { $auditors }.
    Карточки идут первыми в очереди каждого аудитора с пометкой «калибровка»; отправьте их через `okk bundle export`. Затем: okk calibrate report { $id }
calibrate-report-head = Калибровка { $id } · «{ $stage }» · { $cards ->
    [one] { $cards } карточка
    [few] { $cards } карточки
   *[other] { $cards } карточек
} · зерно { $seed } · начал { $by } · { $at }
calibrate-judged = оценено { $n } из { $cards }
calibrate-cohen = каппа Коэна { $kappa }
calibrate-verdicts = Вердикты: согласие пар аудиторов { $agreement } (доля пар, давших карточке один вердикт) по { $cards ->
    [one] { $cards } карточке, оценённой
   *[other] { $cards } карточкам, оценённым
} двумя аудиторами и больше, альфа Криппендорфа { $alpha }{ $kappa }
calibrate-pair = { $a } × { $b }: { $cards ->
    [one] { $cards } карточка
    [few] { $cards } карточки
   *[other] { $cards } карточек
}, согласие { $agreement }, каппа { $kappa }
calibrate-left-out = Не сравниваются (калибровка сравнивает оценки одной и той же карточки на её этапе):
calibrate-moved = #{ $id } перешла в «{ $stage }» во время калибровки: { $n ->
    [one] вердикт { $auditors } там не сравнивается
   *[other] вердикты { $auditors } там не сравниваются
}
calibrate-changed = #{ $id } изменилась в CRM между проверками аудиторов ({ $auditors }): они оценивали не одну и ту же карточку, поэтому она не сравнивается
calibrate-changed-again = #{ $id } изменилась в CRM между проверками аудиторов ({ $auditors }): они оценивали не одну и ту же карточку, поэтому она не сравнивается, пока { $again } не { $n ->
    [1] оценит
   *[other] оценят
} её заново
calibrate-again-head = Оценить заново (CRM изменила карточку после проверки, и аудиторы оценили разные её версии; пока её не оценят такой, какая она сейчас, она первая в очереди с пометкой ◎):
calibrate-again = { $auditor }: { $n ->
    [1] оцените заново 1 карточку — она снова первая в вашей очереди
    [one] оцените заново { $n } карточку — они снова первые в вашей очереди
    [few] оцените заново { $n } карточки — они снова первые в вашей очереди
   *[other] оцените заново { $n } карточек — они снова первые в вашей очереди
}
calibrate-stage-unknown = этапа «{ $stage }» в воронке сейчас нет: пункты его чек-листа не назвать, поэтому они не сравниваются
calibrate-items = Пункты чек-листа (согласие по карточкам, где на пункт ответили двое аудиторов и больше; пункт без ответа не считается ни так, ни иначе):
calibrate-col-item = Пункт
calibrate-col-agreement = Согласие
calibrate-col-alpha = Альфа
calibrate-col-unanswered = Без ответа
calibrate-of-cards = { $share } из { $cards }
calibrate-disagreements = Расхождения: { $n }
calibrate-lead = руководитель: { $verdict }
calibrate-ended = завершена { $at } ({ $by })
calibrate-report-ended = Показатели — по проверкам на момент завершения.
calibrate-open = открыта
calibrate-started = { $at } ({ $by })
calibrate-judged-of = { $n } из { $of }
calibrate-list-what = «{ $stage }» · { $cards ->
    [one] { $cards } карточка
    [few] { $cards } карточки
   *[many] { $cards } карточек
} · оценок { $judged }
calibrate-list-when = начата { $started } · { $state }
calibrate-ambiguous = с «{ $id }» начинаются id нескольких калибровок ({ $count }: { $ids }): укажите id длиннее
calibrate-already-ended = калибровка { $id } этапа «{ $stage }» уже { $ended }: ничего не изменено
calibrate-ask-end = Завершить калибровку { $id } этапа «{ $stage }» (оценок: { $judged } из { $of })? Её карточки перестанут идти первыми в очередях: { $auditors }, а отчёт сохранит нынешние показатели. [y/N]{ " " }
calibrate-not-ended = Ничего не изменено: ответ — нет.
calibrate-end-needs-yes = okk calibrate end не может спросить здесь (не терминал): добавьте --yes, чтобы завершить калибровку
calibrate-ended-now =
    калибровка { $id } этапа «{ $stage }» { $ended }; оценок: { $judged } из { $of }.
    Её карточки больше не идут первыми в очередях: { $auditors } — и не удерживают карточку от okk db prune; okk calibrate report { $id } сохраняет её показатели. okk bundle export перенесёт завершение на ноутбуки аудиторов.
