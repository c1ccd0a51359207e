#!/usr/bin/env python3
"""Synthetic amoCRM deals export for the import benchmark.

    python3 bench/gen_rows.py N OUT.csv [--shape dense|sparse]

Two shapes, because a benchmark that passes on one shape of data can fail on another:
- dense (the default): the demo's 49 columns, every field quoted, about 15% of the rows from a card
  with a planted fault;
- sparse: 35 of those columns (fewer notes, phones, utm), quoted only where a field needs it, and
  three quarters of the rows from a card with a planted fault (a desk's worst case for the rules).

Writes N rows in the demo's format (same header as assets/demo/amocrm_deals.csv: UTF-8 with BOM,
comma-delimited, every field quoted, LF line ends), about 650 bytes a row: Cyrillic text, quoted
multi-line notes in a third of the rows (some with doubled quotes), phones, dates, custom fields,
utm. Stages are drawn from the demo's 11 funnel stages with the demo's proportions; the deal part of
~15% of rows comes from a card with one of the demo's planted faults (not tracked: the contact part
comes from another card). IDs are unique. Deterministic (fixed seed): the same N gives a
byte-identical file. 1,000,000 rows (~650 MB) take about 8 s.

Fast: cards are built once into pools of pre-quoted CSV segments (the card's own part and the
contact part, from independent pool entries) and rows are assembled from them in big chunks.
Prints the row count and the average row size to stderr.
"""

from __future__ import annotations

from array import array
import csv
import io
import os
import random
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in scripts/
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "scripts"))
import gen_demo  # noqa: E402  (the demo generator: header, vocabulary, card builder)

SEED = 600
POOL = 4096  # entries per segment pool (power of two)
# Knobs for the average row size.
SECOND_NOTE = 0.05  # share of rows with a second note
MULTI_NOTE = 0.8  # share of rows whose card has a multi-line note that keep it
CHUNK = 65536  # rows per write
ID_BASE = 20_000_000

# Row = ID | deal (Название сделки .. Воронка) | contact (Полное имя контакта .. Должность)
#       | custom fields (same card as the deal part) | utm (same card as the contact part)
COLS = gen_demo.COLUMNS
DEAL_COLUMNS = COLS[1:COLS.index("Полное имя контакта")]
CONTACT_COLUMNS = COLS[COLS.index("Полное имя контакта"):COLS.index("Должность") + 1]
CUSTOM_COLUMNS = gen_demo.CUSTOM_COLUMNS
UTM_COLUMNS = gen_demo.UTM_COLUMNS
assert ["ID"] + DEAL_COLUMNS + CONTACT_COLUMNS + CUSTOM_COLUMNS + UTM_COLUMNS == COLS
FUNNEL = [(name, count) for name, count, _, _ in gen_demo.STAGES
          if name not in gen_demo.UNKNOWN_STAGES]


# The sparse shape leaves these out (49 - 14 = 35 columns).
SPARSE_DROPPED = {
    "Кем редактирована", "Примечание 3", "Примечание 4", "Примечание 5", "Компания контакта",
    "Ответственный за контакт", "Рабочий прямой телефон", "Факс", "Домашний телефон",
    "Другой телефон", "Другой email", "utm_term", "utm_content", "_ym_uid",
}
SHAPES = {
    # name: (quoting, fault share, columns kept)
    "dense": (csv.QUOTE_ALL, 0.18, lambda col: True),
    "sparse": (csv.QUOTE_MINIMAL, 0.75, lambda col: col not in SPARSE_DROPPED),
}
SHAPE = SHAPES["dense"]


def kept(columns: list[str]) -> list[str]:
    return [col for col in columns if SHAPE[2](col)]


def quoted(values: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, quoting=SHAPE[0], lineterminator="").writerow(values)
    return buf.getvalue()


def pools(rng: random.Random):
    """Pre-quoted CSV segments: (deal, custom) pairs and (contact, utm) pairs, POOL of each."""
    plans: dict[str, list] = {}
    for stage, faults, missing in gen_demo.PLANS:
        plans.setdefault(stage, []).append((faults, missing))
    deal_pool, custom_pool, contact_pool, utm_pool = [], [], [], []
    for _ in range(POOL):
        stage = gen_demo.weighted(rng, FUNNEL)
        faults, missing = [], None
        if stage in plans and rng.random() < SHAPE[1]:
            faults, missing = rng.choice(plans[stage])
        card = gen_demo.build_card(rng, stage, faults, missing)
        card["Название сделки"] = card["Название сделки"].replace(
            "{id}", str(rng.randint(31245817, 39999999)))
        # Keep rows near 600 bytes (the demo's cards are ~1 KB): one note a row, mostly a short
        # one; a multi-line note in about a third of the rows; the last note whenever it
        # carries a planted lost-marker; a second note now and then.
        notes = [n for n in (card.pop(col, "") for col in gen_demo.NOTE_COLUMNS) if n]
        multi = [n for n in notes if "\n" in n]
        if "lost_in_notes" in faults:
            keep = notes[-1:]
        elif multi and rng.random() < MULTI_NOTE:
            keep = multi[-1:]
        else:
            keep = sorted(notes, key=len)[:1]
        if len(notes) > 1 and rng.random() < SECOND_NOTE:
            keep = [n for n in notes if n not in keep][-1:] + keep
        for col, note in zip(gen_demo.NOTE_COLUMNS, keep):
            card[col] = note
        params = card.get("Интересующие параметры")
        if params:
            card["Интересующие параметры"] = params.rsplit(", ЖК", 1)[0]
        if rng.random() < 0.7:
            card["Полное имя контакта"] = card["Полное имя контакта"].rsplit(" ", 1)[0]
        if rng.random() < 0.7:
            card.pop("Личный email", None)
        card["Теги"] = card.get("Теги", "").split(", ")[0]
        if rng.random() < 0.8:
            card.pop("Интерес к доп. услугам", None)
        if card.get("Город") == "Екатеринбург":
            card.pop("Город")
        for col in ("Ответственный за контакт", "utm_term", "utm_content", "gclid", "yclid",
                    "_ym_uid", "Адрес", "Рабочий email", "Компания контакта", "Должность"):
            card.pop(col, None)
        deal_pool.append(quoted([card.get(col, "") for col in kept(DEAL_COLUMNS)]))
        custom_pool.append(quoted([card.get(col, "") for col in kept(CUSTOM_COLUMNS)]))
        contact_pool.append(quoted([card.get(col, "") for col in kept(CONTACT_COLUMNS)]))
        utm_pool.append(quoted([card.get(col, "") for col in kept(UTM_COLUMNS)]))
    return list(zip(deal_pool, custom_pool)), list(zip(contact_pool, utm_pool))


def words(rng: random.Random, count: int) -> array:
    """count random 16-bit words, the same on every platform."""
    out = array("H")
    out.frombytes(rng.getrandbits(16 * count).to_bytes(2 * count, "little"))
    if sys.byteorder == "big":
        out.byteswap()
    return out


def main(argv: list[str]) -> int:
    global SHAPE
    if len(argv) == 5 and argv[3] == "--shape" and argv[4] in SHAPES:
        SHAPE = SHAPES[argv[4]]
        argv = argv[:3]
    if len(argv) != 3 or not argv[1].isdigit():
        print("usage: gen_rows.py N OUT.csv [--shape dense|sparse]", file=sys.stderr)
        return 2
    n = int(argv[1])
    out = argv[2]
    started = time.monotonic()
    rng = random.Random(SEED)
    deal_pool, contact_pool = pools(rng)
    mask = POOL - 1
    id_quote = '"' if SHAPE[0] == csv.QUOTE_ALL else ""
    total = 0
    with open(out, "wb", buffering=16 << 20) as fh:
        head = ("\ufeff" + quoted(kept(gen_demo.HEADER)) + "\n").encode("utf-8")
        fh.write(head)
        for start in range(0, n, CHUNK):
            count = min(CHUNK, n - start)
            # Deal part and contact part from independent pool entries (low 12 bits of two
            # random 16-bit words); ID = ID_BASE + 4*row + (top 2 bits): unique, not sequential.
            deals = words(rng, count)
            contacts = words(rng, count)
            ids = range(ID_BASE + 4 * start, ID_BASE + 4 * (start + count), 4)
            data = "".join([
                f'{id_quote}{i + (d >> 14)}{id_quote},{dp[0]},{cp[0]},{dp[1]},{cp[1]}\n'
                for i, dp, cp, d in zip(ids, [deal_pool[d & mask] for d in deals],
                                        [contact_pool[c & mask] for c in contacts], deals)
            ]).encode("utf-8")
            fh.write(data)
            total += len(data)
    elapsed = time.monotonic() - started
    avg = total / n if n else 0
    print(f"{n} rows, {(total + len(head)) / 1e6:.1f} MB, {avg:.0f} bytes/row on average, "
          f"{elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
