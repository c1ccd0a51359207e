#!/usr/bin/env python3
"""Plants synthetic reviews (and some lead decisions) in an okk store, for the analytics
benchmark and for looking at `okk report` on more than an empty desk.

    python3 bench/seed_reviews.py DB N [--funnel assets/funnel.toml] [--seed 6] [--weeks 12]

N cards not gone, drawn at random, get one current review each from one of four auditors, made
at a random time in the `--weeks` weeks before the store's clock (the demo's frozen one, else
today): a verdict drawn with odds that differ by stage and by owner (so that the analytics have
bottlenecks to find), checklist answers from the card's stage in the funnel (items fail more
often in reviews not ok), the score the funnel's rule gives them. One review in ten gets a lead
decision: accept, override (to another verdict) or return. Deterministic for a given seed and
store. Rows go in with SQL in one transaction (`okk` reads them as it reads reviewed cards);
run it on a copy of a store you care about.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sqlite3
import sys
import tomllib
import uuid

VERDICTS = ["ok", "wrong_stage", "stale", "dead", "unclear"]
AUDITORS = ["anna", "boris", "vera", "gleb"]


def fold(name: str) -> str:
    return " ".join(name.lower().replace("ё", "е").split())


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("n", type=int)
    ap.add_argument("--funnel", default=os.path.join(os.path.dirname(__file__), "..", "assets",
                                                     "funnel.toml"))
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--weeks", type=int, default=12)
    args = ap.parse_args()

    with open(args.funnel, "rb") as f:
        funnel = tomllib.load(f)
    stages = {}
    for i, s in enumerate(funnel["stages"]):
        for label in [s["name"], *s.get("aliases", [])]:
            stages.setdefault(fold(label), (i, s))

    rng = random.Random(args.seed)
    conn = sqlite3.connect(args.db)
    clock = conn.execute("SELECT value FROM meta WHERE key = 'clock'").fetchone()
    now = dt.datetime.strptime(clock[0], "%Y-%m-%d %H:%M:%S") if clock else dt.datetime.now()
    cards = conn.execute(
        "SELECT id, source, external_id, stage, owner, content_hash FROM cards "
        "WHERE gone_at IS NULL ORDER BY id").fetchall()
    if args.n > len(cards):
        print(f"seed_reviews: only {len(cards)} cards", file=sys.stderr)
        return 2
    chosen = rng.sample(cards, args.n)
    # How often each stage and owner lies: fixed per name for a given seed.
    lie_stage = {}
    lie_owner = {}

    reviews = []
    decisions = []
    span = args.weeks * 7 * 24 * 3600
    for card_id, source, ext, stage, owner, digest in chosen:
        index, st = stages.get(fold(stage), (None, None))
        p = lie_stage.setdefault(stage, rng.uniform(0.05, 0.6))
        p = min(0.95, p + lie_owner.setdefault(owner, rng.uniform(-0.05, 0.25)))
        # Later reviews lie a little less: the desk's work shows.
        at = now - dt.timedelta(seconds=rng.randrange(span))
        age = (now - at).total_seconds() / span
        verdict = "ok"
        if rng.random() < p * (0.7 + 0.5 * age):
            verdict = rng.choices(VERDICTS[1:], weights=[4, 4, 2, 1])[0]
        answers = {}
        earned = possible = 0.0
        critical_failed = False
        for item in (st or {}).get("checklist", []):
            r = rng.random()
            if r < 0.08:
                answers[item["id"]] = "na"
                continue
            fail_p = (0.35 if verdict != "ok" else 0.06) * (1.5 if item.get("critical") else 1)
            scale = item.get("scale")
            weight = item.get("weight", 1)
            if scale:
                value = 0 if rng.random() < fail_p else rng.randint(1, scale)
                answers[item["id"]] = {"scale": value}
                v = value / scale
            else:
                failed = rng.random() < fail_p
                answers[item["id"]] = "fail" if failed else "pass"
                v = 0.0 if failed else 1.0
            critical_failed |= bool(item.get("critical")) and v <= 0
            earned += weight * v
            possible += weight
        score = None
        if possible:
            score = 0.0 if critical_failed else round(100 * earned / possible, 1)
        rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        created = at.strftime("%Y-%m-%d %H:%M:%S")
        reviews.append((rid, card_id, source, ext, rng.choice(AUDITORS), stage, verdict,
                        json.dumps(answers, ensure_ascii=False), score, digest, created,
                        round(rng.uniform(15, 240), 1)))
        if rng.random() < 0.1:
            kind = rng.choices(["accept", "override", "return"], weights=[6, 3, 1])[0]
            lead_verdict = None
            if kind == "override":
                lead_verdict = rng.choice([v for v in VERDICTS if v != verdict])
            when = min(now, at + dt.timedelta(hours=rng.randint(1, 72)))
            decisions.append((str(uuid.UUID(int=rng.getrandbits(128), version=4)), rid, "olga",
                              kind, lead_verdict, when.strftime("%Y-%m-%d %H:%M:%S")))

    # okk writes a review when it is made: in a store, reviews (and decisions) follow one another
    # in time, and so does their rowid.
    reviews.sort(key=lambda r: r[10])
    decisions.sort(key=lambda d: d[5])
    with conn:
        conn.executemany(
            "INSERT INTO reviews (id, card_id, card_source, card_external_id, auditor, stage, "
            "verdict, checklist, score, card_hash, funnel_fingerprint, created_at, seconds_spent) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'seed', ?, ?)", reviews)
        conn.executemany(
            "INSERT INTO lead_decisions (id, review_id, lead, decision, verdict, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", decisions)
    conn.close()
    print(f"seed_reviews: {len(reviews)} reviews, {len(decisions)} lead decisions",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
