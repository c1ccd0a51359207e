#!/usr/bin/env python3
"""Plants synthetic stage histories in an okk store, so that `okk funnel suggest`'s history pass
(idle limits, merges, the observed order of stages) has moves to read in the funnel benchmark.

    python3 bench/seed_history.py DB [--funnel assets/funnel.toml] [--seed 7] [--syncs 30]

`--syncs` import batches are added, a day apart up to the store's clock (the demo's frozen one,
else today). Each card not gone whose stage the funnel knows as an open stage gets a history
that walks the funnel's open stages from the first to its own, skipping some (those the funnel
marks skippable more often), each stage held 2-6 syncs, ending in its stage; won
and lost cards walk to a random open stage first. The card's stage as it is now is kept.
Deterministic for a given seed and store; rows go in with SQL in one transaction. Run it on a
copy of a store you care about.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import sys
import tomllib


def fold(name: str) -> str:
    return " ".join(name.lower().replace("ё", "е").split())


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--funnel", default="assets/funnel.toml")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--syncs", type=int, default=30)
    args = ap.parse_args()
    with open(args.funnel, "rb") as fh:
        funnel = tomllib.load(fh)
    stages = funnel["stages"]
    # Every name a stage answers to (folded) → its index in the funnel.
    index = {}
    for i, st in enumerate(stages):
        for name in [st["name"], *st.get("aliases", [])]:
            index[fold(name)] = i
    open_stages = [i for i, st in enumerate(stages) if st.get("kind", "open") == "open"]

    rng = random.Random(args.seed)
    db = sqlite3.connect(args.db)
    clock = db.execute("SELECT value FROM meta WHERE key = 'clock'").fetchone()
    now = (dt.datetime.strptime(clock[0][:19], "%Y-%m-%d %H:%M:%S") if clock
           else dt.datetime.now().replace(microsecond=0))
    days = [now - dt.timedelta(days=args.syncs - k) for k in range(args.syncs)]
    batches = []
    with db:
        for day in days:
            at = day.strftime("%Y-%m-%d %H:%M:%S")
            cur = db.execute(
                "INSERT INTO import_batches (file, profile, source, encoding, started_at, "
                "finished_at, partial) VALUES ('seed_history', 'amocrm', 'amocrm', 'UTF-8', ?, ?, 1)",
                (at, at))
            batches.append((cur.lastrowid, at))
        rows = []
        planted = 0
        for card_id, stage in db.execute(
                "SELECT id, stage FROM cards WHERE gone_at IS NULL ORDER BY id"):
            i = index.get(fold(stage))
            if i is None:
                continue
            if i in open_stages:
                last = open_stages.index(i)
            else:
                last = rng.randrange(len(open_stages))
            path = [s for s in open_stages[:last]
                    if rng.random() < (0.5 if stages[s].get("skippable") else 0.9)]
            path = [stages[s]["name"] for s in path] + [stage]
            # Each stage held for 2-6 syncs (days); the card reached its own stage 0-6 syncs
            # before the latest. Walked back from there; a path longer than the syncs starts
            # at the first (its earliest stages are not seen, as on a desk that began syncing
            # late).
            at_sync = len(batches) - 1 - rng.randint(0, 6)
            seen = []
            for name in reversed(path):
                if at_sync < 0:
                    break
                seen.append((at_sync, name))
                at_sync -= rng.randint(2, 6)
            for k, name in reversed(seen):
                batch, at = batches[k]
                rows.append((card_id, batch, at, name))
            planted += 1
            if len(rows) >= 100_000:
                db.executemany("INSERT OR IGNORE INTO stage_history (card_id, batch_id, seen_at, "
                               "stage) VALUES (?, ?, ?, ?)", rows)
                rows.clear()
        db.executemany("INSERT OR IGNORE INTO stage_history (card_id, batch_id, seen_at, stage) "
                       "VALUES (?, ?, ?, ?)", rows)
    total = db.execute("SELECT count(*) FROM stage_history").fetchone()[0]
    print(f"seed_history: {planted} cards given histories; {total} history rows in all",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
