# Слова `okk bundle` (src/text/bundle.rs).

bundle-empty = файл пуст: это не пакет okk
bundle-not-a-bundle = это не пакет okk (первая строка — не заголовок пакета okk): запишите пакет через `okk bundle export --out ФАЙЛ`
bundle-unsigned-version = версия формата пакета { $v } без подписей: эта версия okk принимает только подписанные пакеты (версия 2); попросите выгрузить пакет заново этой версией okk
bundle-unknown-version = версия формата пакета { $v } неизвестна этой версии okk (она читает версию 2): обновите okk
bundle-truncated = пакет обрезан (нет метки конца или части записей): скопируйте его заново
bundle-checksum = контрольная сумма пакета не сходится с содержимым (его изменили или повредили): скопируйте его заново
bundle-bad-line = строка { $line }: { $message }
bundle-bad-bundle-signature = подпись пакета не сходится с содержимым или с ключом подписавшего (его изменили или подделали): отклонён
bundle-bad-time = { $field } "{ $value }" — не время (ожидается ГГГГ-ММ-ДД ЧЧ:ММ:СС, существующая дата)
bundle-time-out-of-window = { $field } { $value } вне допустимого для okk времени (с 2000-01-01 00:00:00 по { $latest } — на день позже часов этой машины)
bundle-bad-key = "{ $key }" — не открытый ключ okk (64 шестнадцатеричные цифры)
bundle-vouch-conflict = { $by } ручается за ключ { $key } как за ключ { $name }, но это хранилище доверяет этому ключу как ключу { $here }
bundle-what-review = проверка { $id } от имени { $name }
bundle-what-decision = решение руководителя { $id } от имени { $name }
bundle-what-calibration = калибровка { $id } от имени { $name }
bundle-what-withdrawal = отзыв записи «{ $what }»
bundle-what-judged = { $what }: снимок карточки на момент проверки
bundle-judged-invalid = { $what }: { $why } — отклонено
bundle-judged-too-long = { $bytes } байт, больше, чем хранит okk ({ $limit })
bundle-judged-shape = не в том виде, в каком okk хранит карточку ({ $detail })
bundle-judged-twice = поле «{ $field }» дважды
bundle-judged-too-many = полей по отдельности: { $count }, больше, чем хранит okk ({ $limit })
bundle-judged-bad-name = имя поля пустое или длиннее { $limit } байт
bundle-judged-value-too-long = значение поля «{ $field }» длиннее, чем okk хранит целиком (он хранит хеш)
bundle-judged-bad-digest = «{ $digest }» — не хеш (16 шестнадцатеричных цифр)
bundle-judged-not-as-written = записан не так, как пишет okk (автор подписал то, что записал okk)
bundle-unsigned = { $what }: нет подписи — отклонено
bundle-bad-signature = { $what }: подпись не сходится с содержимым (изменено после подписи): отклонено
bundle-unknown-key = { $what }: подпись ключом { $short }, которому это хранилище не доверяет: если это ключ { $claimed }, выполните `okk bundle trust { $key } --as { $claimed }` (или импортируйте с --trust-on-first-use)
bundle-unknown-key-for-known-name = { $what }: подпись ключом { $short }, которому это хранилище не доверяет, а для { $claimed } оно уже доверяет { $count ->
    [one] другому ключу
   *[other] другим ключам
} ({ $known }): ещё один ключ от имени { $claimed } подозрителен — кто им владеет, может подписываться за { $claimed }{ $first_use ->
    [yes] , поэтому --trust-on-first-use его не принимает
   *[no] {""}
}. Не доверяйте ему на слово пакета: попросите { $claimed } лично или по телефону (не через этот пакет и не через того, кто его передал) прочитать ключ, который показывает `okk bundle keys` на ноутбуке { $claimed }; только если это { $short }…, выполните `okk bundle trust { $key } --as { $claimed } --another-key`
bundle-forged-name = { $what }: подпись ключом { $signer }, а не { $author }: запись от чьего-то имени должна быть подписана ключом этого имени; отклонено. Если пакет выгрузил { $signer }, пусть выгрузит его заново этой версией okk: в пакет идут только записи, сделанные подписавшим, а чужие — с подписями их авторов
bundle-withdrawal-by-other = отзыв записи «{ $what }» подписан { $signer } — это не её автор и не руководитель: отклонено
bundle-own-key-not-made-here = { $what }: подпись собственным ключом этой копии okk, но запись сделана не в этом хранилище (или изменена с тех пор): отклонено
bundle-conflict = { $what }: запись уже есть в этом хранилище с другим содержимым: конфликт; отклонено (ничего не влито)
bundle-key-made = создан ключ подписи этой копии okk { $path } (открытый ключ { $key }); руководитель один раз доверяет ему через `okk bundle trust { $file } --as { $name }`
bundle-key-made-lead = создан ключ подписи этой копии okk { $path } (открытый ключ { $key }), ключ руководителя: каждый аудитор один раз доверяет ему как ключу руководителя через `okk bundle trust { $file } --as { $name } --lead` (без --lead okk аудитора не примет работу других аудиторов, которую несут ваши пакеты)
bundle-file = ФАЙЛ
bundle-no-key-file = { $path }: ключа подписи ещё нет (его создаёт первый `okk bundle export`)
bundle-not-a-key = "{ $given }" — ни пакет okk, ни открытый ключ (64 шестнадцатеричные цифры)
bundle-lead = руководитель
bundle-trusted-added = ключу { $key } теперь доверяем как ключу { $name }{ $role }
bundle-trusted-already = ключу { $key } уже доверяли как ключу { $name }{ $role }
bundle-trust-another-key = для { $name } это хранилище уже доверяет { $count ->
    [one] другому ключу
   *[other] другим ключам
} ({ $known }): ещё один ключ от имени { $name } позволит тому, кто им владеет, подписываться за { $name }; ничего не изменено. Если у { $name } действительно новый ключ (новый ноутбук, okk установлен заново), подтвердите это у { $name } лично или по телефону, не через пакет и не через того, кто его передал: пусть { $name } прочитает ключ, который показывает `okk bundle keys` на своём ноутбуке, — он должен начинаться с { $short }; затем повторите команду с --another-key
bundle-trusted-other-name = ключу { $key } уже доверяют как ключу { $name }: ничего не изменено (один ключ — одно имя)
bundle-own-key = ключ этой копии okk: { $key }
bundle-own-key-none = ключ этой копии okk: ещё нет (его создаёт первый `okk bundle export`)
bundle-trusted-none = доверенные ключи: нет (`okk bundle trust ФАЙЛ|КЛЮЧ --as ИМЯ`)
bundle-trusted-keys = доверенные ключи:
bundle-how-trusted = доверен через `okk bundle trust`
bundle-how-first-use = при первом использовании: { $file }
bundle-how-vouched = по поручительству { $by }: { $file }
bundle-since = с { $at }
bundle-end-in-body = метка конца посреди пакета
bundle-refused = { $path }: отклонён, ничего не влито: { $why }
bundle-wrote = { $path }: проверок — { $reviews }, решений руководителя — { $decisions }
bundle-calibration = калибровка { $id } этапа «{ $stage }», начал { $by }, для { $auditors } ({ $cards ->
    [one] { $cards } карточка
    [few] { $cards } карточки
   *[other] { $cards } карточек
})
bundle-merged = { $path }: новых проверок { $reviews }, уже были { $reviews_known }, отозвано { $withdrawn }; новых решений руководителя { $decisions }, уже были { $decisions_known }
bundle-merged-calibrations = новых калибровок { $added }, уже были { $known }
bundle-calibration-first = карточки новой калибровки идут первыми в очередях её аудиторов
bundle-keys-added = новых доверенных ключей: { $n } (при первом использовании или по поручительству руководителя): см. `okk bundle keys`
bundle-waiting = проверок карточек, которых в этом хранилище ещё нет: { $n }; { $n ->
    [1] она привяжется, когда карточку принесёт синхронизация
   *[other] они привяжутся, когда карточки принесёт синхронизация
}
bundle-waiting-how = пакет несёт проверки и решения, а не карточки: на каждом ноутбуке импортируйте ту же выгрузку из CRM, что у руководителя (тот же файл, тот же --source), с его funnel.toml — или начните с копии его okk.db (docs/lead.md#a-desk-without-a-server)
bundle-after-decision = { $n ->
    [one] { $n } проверка сделана после решения руководителя по её карточке: решение в силе, проверка ждёт руководителя (`okk lead`)
    [few] { $n } проверки сделаны после решений руководителя по их карточкам: решения в силе, проверки ждут руководителя (`okk lead`)
   *[other] { $n } проверок сделаны после решений руководителя по их карточкам: решения в силе, проверки ждут руководителя (`okk lead`)
}
bundle-withdrawal-kept = отзыв вердикта по #{ $card } ({ $auditor }) не применён: руководитель { $lead } уже { $decision ->
    [accept] принял его
    [override] заменил его своим решением
    [return] вернул его на доработку
   *[other] рассмотрел его
}; вердикт и решение в силе — чтобы изменить вердикт, проверьте карточку заново
bundle-withdrawal-lifted = отзыв вердикта по #{ $card } ({ $auditor }) снят: руководитель { $lead } уже { $decision ->
    [accept] принял его
    [override] заменил его своим решением
    [return] вернул его на доработку
   *[other] рассмотрел его
}; вердикт и решение в силе — чтобы изменить вердикт, проверьте карточку заново
bundle-withdrawal-kept-taken-back = отзыв вердикта по #{ $card } ({ $auditor }) не применён: руководитель { $lead } { $decision ->
    [accept] принял его
    [override] заменил его своим решением
    [return] вернул его на доработку
   *[other] рассмотрел его
} и отменил решение уже после отзыва; вердикт в силе — чтобы изменить его, проверьте карточку заново
bundle-withdrawal-lifted-taken-back = отзыв вердикта по #{ $card } ({ $auditor }) снят: руководитель { $lead } { $decision ->
    [accept] принял его
    [override] заменил его своим решением
    [return] вернул его на доработку
   *[other] рассмотрел его
} и отменил решение уже после отзыва; вердикт в силе — чтобы изменить его, проверьте карточку заново
bundle-empty-name = для --as нужно имя
bundle-not-a-signing-key = { $path }: это не ключ подписи okk ({ $error })
bundle-left-out = не вошли в пакет: { $count ->
    [one] { $count } запись
    [few] { $count } записи
   *[other] { $count } записей
} от чужих имён, сделанные в этом хранилище ({ $names }): ключ этой копии okk подписывает только за { $signer } (другое имя — --as ИМЯ), а запись принимают лишь с подписью ключа её автора; свою работу каждый отправляет сам, со своей копии okk
