# Words of `okk bundle` (src/text/bundle.rs).

bundle-empty = the file is empty: not an okk bundle
bundle-not-a-bundle = not an okk bundle (the first line is not an okk bundle header): write one with `okk bundle export --out FILE`
bundle-unsigned-version = bundle format version { $v } is unsigned: this okk takes signed bundles only (version 2); ask for the bundle to be exported again with this okk
bundle-unknown-version = bundle format version { $v } is unknown to this okk (it reads version 2): update okk
bundle-truncated = the bundle is cut short (its end marker or some records are missing): copy it again
bundle-checksum = the bundle's checksum does not match its contents (it was altered or damaged): copy it again
bundle-line-too-long = line { $line } is longer than { $mib } MiB, more than any record okk writes: this is no bundle okk made, or it is damaged
bundle-bad-line = line { $line }: { $message }
bundle-bad-bundle-signature = the bundle's signature does not match its contents or its signer's key (it was altered or forged): refused
bundle-bad-time = { $field } "{ $value }" is not a time (expected YYYY-MM-DD HH:MM:SS, a real date)
bundle-time-out-of-window = { $field } { $value } is outside the times okk takes (2000-01-01 00:00:00 to { $latest }, a day after this machine's clock)
bundle-bad-key = "{ $key }" is not an okk public key (64 hex digits)
bundle-vouch-conflict = { $by } vouches for key { $key } as { $name }, but this store trusts that key as { $here }
bundle-what-review = review { $id } in { $name }'s name
bundle-what-decision = lead decision { $id } in { $name }'s name
bundle-what-calibration = calibration { $id } in { $name }'s name
bundle-what-calibration-end = the end of calibration { $id } in { $name }'s name
bundle-half-an-end = { $what }: its end has a time without who ended it, or the other way (ended_at and ended_by go together): refused
bundle-end-before-start = { $what }: the calibration ended before it began ({ $start }): refused
bundle-end-not-lead = { $what }: { $by } is neither the lead who started it ({ $creator }) nor a key this store trusts as a lead's: only a lead ends a calibration; refused
bundle-what-withdrawal = the withdrawal of { $what }
bundle-what-judged = { $what }: the card as judged
bundle-judged-invalid = { $what }: { $why }: refused
bundle-judged-too-long = { $bytes } bytes, more than okk keeps ({ $limit })
bundle-judged-shape = not the card as okk keeps it ({ $detail })
bundle-judged-twice = the field «{ $field }» twice
bundle-judged-too-many = { $count } fields kept one by one, more than okk keeps ({ $limit })
bundle-judged-bad-name = a field's name empty or longer than { $limit } bytes
bundle-judged-value-too-long = the value of «{ $field }» longer than okk keeps whole (it keeps a digest)
bundle-judged-bad-digest = «{ $digest }» is not a digest (16 hexadecimal digits)
bundle-judged-not-as-written = not written as okk writes it (its author signed what okk wrote)
bundle-unsigned = { $what } is not signed: refused
bundle-bad-signature = { $what }: its signature does not match its contents (edited after signing): refused
bundle-unknown-key = { $what } is signed by key { $short }, which this store does not trust: if it is { $claimed }'s, run `okk bundle trust { $key } --as { $claimed }` (or import with --trust-on-first-use)
bundle-unknown-key-for-known-name = { $what } is signed by key { $short }, which this store does not trust, and it trusts { $count ->
    [one] another key
   *[other] other keys
} as { $claimed } ({ $known }): another key in { $claimed }'s name is suspicious, as whoever holds it can sign as { $claimed }{ $first_use ->
    [yes] , so --trust-on-first-use does not take it
   *[no] {""}
}. Do not trust it on the bundle's word: ask { $claimed } in person or by phone (not through this bundle or whoever passed it on) to read out the key `okk bundle keys` shows on their laptop; only if it is { $short }…, run `okk bundle trust { $key } --as { $claimed } --another-key`
bundle-forged-name = { $what } is signed by { $signer }'s key, not { $author }'s: a record in a name must be signed by that name's key; refused. If { $signer } exported this bundle, have them export it again with this version of okk: it carries only the records its signer made, others' as their authors signed them
bundle-withdrawal-by-other = the withdrawal of { $what } is signed by { $signer }, who is neither its author nor a lead: refused
bundle-own-key-not-made-here = { $what } is signed by this okk's own key but was not made in this store (or was changed since): refused
bundle-conflict = { $what } is already in this store with other content: a conflict; refused (nothing merged)
bundle-key-made = made this okk's signing key { $path } (public key { $key }); the lead trusts it once, with `okk bundle trust { $file } --as { $name }`
bundle-key-made-lead = made this okk's signing key { $path } (public key { $key }), a lead's: each auditor trusts it once, as the lead's, with `okk bundle trust { $file } --as { $name } --lead` (without --lead an auditor's okk refuses the other auditors' work your bundles carry)
bundle-file = FILE
bundle-no-key-file = { $path }: no signing key yet (it is made by the first `okk bundle export`)
bundle-not-a-key = "{ $given }" is neither an okk bundle nor a public key (64 hex digits)
bundle-lead = lead
bundle-trusted-added = trusted key { $key } as { $name }{ $role }
bundle-trusted-already = key { $key } was trusted as { $name } already{ $role }
bundle-trust-another-key = this store trusts { $count ->
    [one] another key
   *[other] other keys
} as { $name } already ({ $known }): another key in { $name }'s name lets whoever holds it sign as { $name }; nothing changed. If { $name } really has a new key (a new laptop, okk installed again), confirm it with { $name } in person or by phone, not through a bundle or whoever passed it on: they read out the key `okk bundle keys` shows on their laptop, which must begin { $short }; then run this again with --another-key
bundle-trusted-other-name = key { $key } is trusted as { $name } already: nothing changed (one key, one name)
bundle-own-key = this okk's key: { $key }
bundle-own-key-none = this okk's key: none yet (made by the first `okk bundle export`)
bundle-trusted-none = trusted keys: none (`okk bundle trust FILE|KEY --as NAME`)
bundle-trusted-keys = trusted keys:
bundle-how-trusted = trusted
bundle-how-first-use = first use: { $file }
bundle-how-vouched = vouched for by { $by }: { $file }
bundle-since = since { $at }
bundle-end-in-body = an end marker in the middle of the bundle
bundle-refused = { $path }: refused, nothing merged: { $why }
bundle-wrote = { $path }: { $reviews ->
    [one] { $reviews } review
   *[other] { $reviews } reviews
} and { $decisions ->
    [one] { $decisions } lead decision
   *[other] { $decisions } lead decisions
}
bundle-calibration = calibration { $id } of «{ $stage }» by { $by }, for { $auditors } ({ $cards ->
    [one] { $cards } card
   *[other] { $cards } cards
})
bundle-merged = { $path }: { $reviews ->
    [one] { $reviews } new review
   *[other] { $reviews } new reviews
}, { $reviews_known } already here, { $withdrawn } newly withdrawn; { $decisions ->
    [one] { $decisions } new lead decision
   *[other] { $decisions } new lead decisions
}, { $decisions_known } already here
bundle-merged-calibrations = { $added ->
    [one] { $added } new calibration
   *[other] { $added } new calibrations
}, { $known } already here
bundle-calibration-first = the cards of a new calibration come first in its auditors' queues
bundle-calibrations-ended = { $n ->
    [one] { $n } calibration ended by the lead: its cards no longer come first in its auditors' queues
   *[other] { $n } calibrations ended by the lead: their cards no longer come first in their auditors' queues
}
bundle-keys-added = { $n ->
    [one] { $n } key newly trusted
   *[other] { $n } keys newly trusted
} (on first use, or vouched for by the lead): see `okk bundle keys`
bundle-waiting = { $n ->
    [one] { $n } review is of a card this store does not have yet: it attaches when a sync brings it
   *[other] { $n } reviews are of cards this store does not have yet: they attach when a sync brings them
}
bundle-waiting-how = a bundle carries reviews and decisions, not cards: each laptop imports the lead's CRM export (the same file, the same --source) with the lead's funnel.toml, or starts from a copy of the lead's okk.db (docs/lead.md#a-desk-without-a-server)
bundle-after-decision = { $n ->
    [one] { $n } review came after the lead's decision on its card: the decision stands, awaiting the lead (`okk lead`)
   *[other] { $n } reviews came after the lead's decisions on their cards: the decisions stand, awaiting the lead (`okk lead`)
}
bundle-withdrawal-kept = the withdrawal of the verdict on #{ $card } ({ $auditor }) is not applied: the lead { $lead } has already { $decision ->
    [accept] accepted it
    [override] overridden it
    [return] sent it back
   *[other] decided on it
}; the verdict and the decision stand: to change the verdict, judge the card again
bundle-withdrawal-lifted = the withdrawal of the verdict on #{ $card } ({ $auditor }) is lifted: the lead { $lead } had already { $decision ->
    [accept] accepted it
    [override] overridden it
    [return] sent it back
   *[other] decided on it
}; the verdict and the decision stand: to change the verdict, judge the card again
bundle-withdrawal-kept-taken-back = the withdrawal of the verdict on #{ $card } ({ $auditor }) is not applied: the lead { $lead } { $decision ->
    [accept] accepted it
    [override] overrode it
    [return] sent it back
   *[other] decided on it
} and took the decision back only after the withdrawal was made; the verdict stands: to change it, judge the card again
bundle-withdrawal-lifted-taken-back = the withdrawal of the verdict on #{ $card } ({ $auditor }) is lifted: the lead { $lead } had { $decision ->
    [accept] accepted it
    [override] overridden it
    [return] sent it back
   *[other] decided on it
} and took the decision back only after the withdrawal was made; the verdict stands: to change it, judge the card again
bundle-empty-name = --as needs a name
bundle-not-a-signing-key = { $path }: not an okk signing key ({ $error })
bundle-signer-unnamed = no name given: the records made in this store are in several names ({ $names }), none of them the login name, and a bundle carries its signer's own work only; say whose with --as NAME (or the variable OKK_AUDITOR, or auditor = "NAME" in config.toml)
bundle-from-server = not carried: { $count ->
    [one] { $count } record
   *[other] { $count } records
} copied from the team server with this store: the server has them
bundle-left-out = left out: { $count ->
    [one] { $count } record
   *[other] { $count } records
} made in this store in other names ({ $names }): this okk's key signs only for { $signer } (another name: --as NAME), and a store takes a record only signed by its author's key; each of them sends their own work from their own okk
