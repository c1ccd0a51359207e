# okk db imports and okk db prune (src/text/prune.rs).

prune-bad-run = «{ $value }»: expected an import's number as okk db imports lists it, or last
prune-imports-none = { $store } holds no import yet: okk import FILE (or okk sync) brings cards in
prune-imports-header = Imports and syncs of { $store }:
prune-col-run = #
prune-col-when = when
prune-col-profile = profile
prune-col-source = source
prune-col-rows = rows
prune-col-new = new
prune-col-updated = updated
prune-col-unchanged = unchanged
prune-col-here = still here
prune-col-file = file or connection
prune-what-import = Import { $run } ({ $file }, { $when }, source «{ $source }»): { $cards } it first brought still in the store.
prune-what-sync = Sync { $run } of connection «{ $connection }», begun { $when } ({ $file }): { $cards } it first brought still in the store.
prune-what-source = Source «{ $source }»: { $cards } in the store.
prune-what-gone = Cards marked gone (no longer in the CRM, or missing from a full export): { $cards }.
prune-nothing = Nothing to remove from { $store }.
prune-would-remove = Would remove { $cards } from { $store } (a dry run: nothing changed).
prune-would-remove-asked = Would remove { $cards } from { $store }.
prune-removed = Removed { $cards } from { $store }.
prune-kept = { $count ->
    [one] Kept { $cards }: it carries desk work, which a prune keeps:
   *[other] Kept { $cards }: they carry desk work, which a prune keeps:
}
prune-work-reviews = reviews
prune-work-drafts = a draft
prune-work-leases = a claim held now
prune-work-calibrations = a calibration's sample
prune-kept-for = { $work }: { $cards } ({ $ids })
prune-kept-count = { $count ->
    [one] It stays in every figure: okk stats and okk report count it, and it is in the queues and the managers' table.
   *[other] They stay in every figure: okk stats and okk report count them, and they are in the queues and the managers' table.
}
prune-kept-calibration = Kept while calibration { $id } («{ $stage }») is open: { $cards }. Once the lead ends it (okk calibrate end { $id }), a prune takes them (those that carry reviews or drafts, with --with-work).
prune-kept-release = To take out the cards kept only for reviews and drafts, with that work (the lead's decisions on those reviews too): okk db prune { $selector } --with-work (try --dry-run first).
prune-released = { $dry ->
    [yes] Would go with their desk work (--with-work): { $cards }:
   *[no] Went with their desk work (--with-work): { $cards }:
}
prune-work-rows = { $dry ->
    [yes] desk work that would go: reviews { $reviews } (the lead's decisions on them { $decisions }), drafts { $drafts }
   *[no] desk work taken out: reviews { $reviews } (the lead's decisions on them { $decisions }), drafts { $drafts }
}
prune-updated-only = It also changed { $cards } of earlier imports: they stay as it left them (okk keeps no card's earlier content).
prune-updated-only-sync = It also changed { $cards } that earlier imports and syncs brought: they stay as it left them (okk keeps no card's earlier content).
prune-runs-would-go = { $count ->
    [one] Run { $runs }'s record (okk db imports) would go too: nothing in the store would name it any more.
   *[other] The records of runs { $runs } (okk db imports) would go too: nothing in the store would name them any more.
}
prune-runs-gone = { $count ->
    [one] Run { $runs }'s record (okk db imports) went too: nothing in the store names it any more.
   *[other] The records of runs { $runs } (okk db imports) went too: nothing in the store names them any more.
}
prune-connections-reset = { $count ->
    [one] Connection «{ $names }» keeps no card: its next okk sync reads every deal again, as a first sync does.
   *[other] Connections { $names } keep no card: their next okk sync reads every deal again, as a first sync does.
}
prune-ask = Remove { $cards } from { $store } for good? [y/N]{ " " }
prune-ask-with-work = Remove { $cards } from { $store } for good, with { $reviews } { $reviews ->
    [one] review
   *[other] reviews
} and { $drafts } { $drafts ->
    [one] draft
   *[other] drafts
}? [y/N]{ " " }
prune-not-removed = Nothing removed: the answer was no.
prune-needs-yes = okk db prune removes cards for good and cannot ask here (not a terminal): add --yes to remove them, or --dry-run to see what it would remove
prune-no-such-run = { $store } holds no import { $run }: okk db imports lists them
prune-no-runs = { $store } holds no import yet: there is nothing to prune
prune-no-such-source = { $store } holds no card of source «{ $source }»; its sources: { $sources }
prune-no-source-at-all = { $store } holds no card of source «{ $source }», nor of any other
prune-lead-only = okk db prune on a server store is the database owner's or a lead's command: the login role { $login } neither owns this store nor is a lead's (okk db roles maps logins to leads)
prune-refused-on-server = the server does not let the login role { $login } prune: its grants on { $table } lack what a prune needs. okk db roles gives a lead's login the lead's grants again (the database owner runs it); the database owner's login prunes too
