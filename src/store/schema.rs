//! The schema, as forward-only migrations. `PRAGMA user_version` is the number applied.
//! Never edit a migration that has shipped: add a new one.

/// `okk!` — marks a SQLite file as an okk store.
pub const APPLICATION_ID: i64 = 0x6F6B_6B21;

/// The queue's index, as a literal so that a migration and a bulk load share one definition.
macro_rules! queue_index {
    () => {
        "CREATE INDEX cards_queue ON cards (stage, flag_rank DESC, flag_count DESC, touched_at,
    external_id, gone_at, closed, closed_at);"
    };
}

/// The queue's index from schema 5 on: it also holds the cards' folded id, title and owner, so
/// that the queue's text filter reads the index alone, never a card's row.
macro_rules! queue_index_v5 {
    () => {
        "CREATE INDEX cards_queue ON cards (stage, flag_rank DESC, flag_count DESC, touched_at,
    external_id, gone_at, closed, closed_at, search);"
    };
}

/// The queue's index from schema 6 on: a card's flags no longer live in its row (see
/// `standings`), so this index orders the cards without flags.
macro_rules! queue_index_v6 {
    () => {
        "CREATE INDEX cards_queue ON cards (stage, touched_at, external_id, gone_at, closed,
    closed_at, search);"
    };
}

/// The flagged cards' queue order (migration 6; a big rules run drops it and builds it again:
/// `store::flag_write`).
macro_rules! standings_index {
    () => {
        "CREATE INDEX standings_queue ON standings (stage, place, touched_at, external_id, gone_at,
    closed, closed_at, search);"
    };
}

/// The schema that made `meta` (migration 2).
pub const META_FROM: i64 = 2;

/// The queues' indexes as this schema defines them (a deferred build's fallback:
/// `store::deferred`).
pub const QUEUE_INDEX_SQL: &str = queue_index_v6!();
pub const STANDINGS_INDEX_SQL: &str = standings_index!();

/// The memory map for passes over every card (rules, analytics, export): the whole of a
/// million-card store (about 1 GB), and SQLite's own cap. Pages are read in place instead of
/// copied into SQLite's cache by a system call each.
pub const MMAP_SIZE: i64 = 2_000_000_000;

/// SQLite's page cache per connection, in KiB.
pub const CACHE_KIB: i64 = 16 * 1024;

/// SQLite's page cache of a second connection a session opens for one thread (the reviewer's
/// reader and writer), in KiB.
pub const TWIN_CACHE_KIB: i64 = 2 * 1024;

/// Rebuilds the queue index after a bulk load (or a rules run) dropped it: sorting once is much
/// cheaper than inserting a million entries in random order.
pub fn create_queue_index(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    // The sort on two cores, in small runs merged after: measured on a million cards, 3.1 s
    // and 21 MB against 5.1 s and 37 MB for one core with the connection's usual cache.
    conn.execute_batch(concat!(
        "PRAGMA threads = 2; PRAGMA cache_size = -4096;",
        queue_index_v6!()
    ))?;
    conn.execute_batch(&format!(
        "PRAGMA threads = 0; PRAGMA cache_size = -{CACHE_KIB};"
    ))
}

/// The SQL function migration 5 fills `cards.search` with (see [`crate::domain::names::search_text`]).
pub const SEARCH_TEXT_FN: &str = "okk_search_text";

/// Counts the cards per stage into `stage_counts` (schema 4 and 5, when the flags' standing lived in
/// the card's row; migration 4 runs it).
macro_rules! fill_stage_counts {
    () => {
        "DELETE FROM stage_counts;
INSERT INTO stage_counts (stage, cards, flagged, live, live_flagged, open, open_flagged)
    SELECT stage, count(*), sum(flagged), sum(live), sum(live AND flagged), sum(open),
           sum(open AND flagged)
    FROM (SELECT stage, flag_count > 0 AS flagged, gone_at IS NULL AS live,
                 gone_at IS NULL AND coalesce(closed, 0) = 0 AND closed_at IS NULL AS open
          FROM cards)
    GROUP BY stage;"
    };
}

/// Marks the summaries (`stage_counts`, `owners`) current.
macro_rules! mark_summaries {
    () => {
        "INSERT INTO meta (key, value) VALUES ('summaries', 'current')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;"
    };
}

/// Marks the summaries current (the rules run, which rewrote them, is about to commit).
pub const MARK_SUMMARIES: &str = mark_summaries!();

/// Marks the summaries out of date (an import is about to change cards): until the next rules
/// run, their questions are answered from the cards.
pub const DROP_SUMMARIES: &str = "DELETE FROM meta WHERE key = 'summaries';
DELETE FROM stage_counts; DELETE FROM owners;";

/// `meta` holds this key while the summaries are current (the value does not matter).
pub const SUMMARIES_KEY: &str = "summaries";

pub const MIGRATIONS: &[&str] = &[
    // 1: cards, import batches, stage history, reviews, lead decisions, comment drafts.
    r#"
CREATE TABLE import_batches (
    id          INTEGER PRIMARY KEY,
    file        TEXT NOT NULL,
    profile     TEXT NOT NULL,
    source      TEXT NOT NULL,
    encoding    TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    partial     INTEGER NOT NULL DEFAULT 0,
    rows        INTEGER NOT NULL DEFAULT 0,
    inserted    INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    gone        INTEGER NOT NULL DEFAULT 0,
    warnings    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE cards (
    id                INTEGER PRIMARY KEY,
    source            TEXT NOT NULL,
    external_id       TEXT NOT NULL,
    pipeline          TEXT,
    stage             TEXT NOT NULL,          -- as the CRM names it; resolved through the funnel
    title             TEXT,
    owner             TEXT,
    amount            REAL,
    currency          TEXT,
    created_at        TEXT,                   -- 'YYYY-MM-DD HH:MM:SS', CRM local time
    updated_at        TEXT,
    closed_at         TEXT,
    expected_close_at TEXT,
    last_activity_at  TEXT,
    closed            INTEGER,
    won               INTEGER,
    contact           TEXT,
    company           TEXT,
    phones            TEXT NOT NULL DEFAULT '[]',   -- JSON arrays
    emails            TEXT NOT NULL DEFAULT '[]',
    tags              TEXT NOT NULL DEFAULT '[]',
    notes             TEXT NOT NULL DEFAULT '[]',
    fields            TEXT NOT NULL DEFAULT '{}',   -- JSON object: custom fields by header
    invalid           TEXT NOT NULL DEFAULT '{}',   -- JSON object: raw values that did not parse
    content_hash      INTEGER NOT NULL,
    first_batch       INTEGER NOT NULL REFERENCES import_batches(id),
    changed_batch     INTEGER NOT NULL REFERENCES import_batches(id),
    changed_at        TEXT NOT NULL,          -- sync time of the last change okk saw
    gone_at           TEXT,                   -- missing from a later full export; never deleted
    gone_batch        INTEGER REFERENCES import_batches(id),
    UNIQUE (source, external_id)
);
CREATE INDEX cards_stage ON cards (stage);

-- One row per sync that found a card in a new stage (and its first one). Clustered by card, so
-- a card's history is one range and a fresh import appends.
CREATE TABLE stage_history (
    card_id   INTEGER NOT NULL REFERENCES cards(id),
    batch_id  INTEGER NOT NULL REFERENCES import_batches(id),
    seen_at   TEXT NOT NULL,
    pipeline  TEXT,
    stage     TEXT NOT NULL,
    PRIMARY KEY (card_id, batch_id)
) WITHOUT ROWID;

-- Reviews carry the card's source and external id so that a review made on another laptop can
-- wait for its card to arrive in a later sync.
CREATE TABLE reviews (
    id                 TEXT PRIMARY KEY,       -- UUID, stable across laptops
    card_id            INTEGER REFERENCES cards(id),
    card_source        TEXT NOT NULL,
    card_external_id   TEXT NOT NULL,
    auditor            TEXT NOT NULL,
    stage              TEXT NOT NULL,          -- the card's stage when reviewed
    verdict            TEXT NOT NULL CHECK (verdict IN ('ok','wrong_stage','stale','dead','unclear')),
    checklist          TEXT NOT NULL DEFAULT '{}',
    score              REAL,
    suggested_stage    TEXT,
    suggested_owner    TEXT,
    corrections        TEXT NOT NULL DEFAULT '{}',
    comment            TEXT NOT NULL DEFAULT '',
    card_hash          INTEGER,
    funnel_fingerprint TEXT,
    created_at         TEXT NOT NULL,
    seconds_spent      REAL,
    superseded_by      TEXT REFERENCES reviews(id),
    withdrawn_at       TEXT
);
CREATE INDEX reviews_card ON reviews (card_source, card_external_id);
CREATE INDEX reviews_auditor ON reviews (auditor, card_id);

CREATE TABLE lead_decisions (
    id              TEXT PRIMARY KEY,
    review_id       TEXT NOT NULL REFERENCES reviews(id),
    lead            TEXT NOT NULL,
    decision        TEXT NOT NULL CHECK (decision IN ('accept','override','return')),
    verdict         TEXT,
    suggested_stage TEXT,
    suggested_owner TEXT,
    note            TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
CREATE INDEX lead_decisions_review ON lead_decisions (review_id);

CREATE TABLE drafts (
    card_id    INTEGER NOT NULL REFERENCES cards(id),
    auditor    TEXT NOT NULL,
    comment    TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (card_id, auditor)
);
"#,
    // 2: flags the stage rules raise, the queue's ordering columns and index, settings.
    concat!(
        r#"
CREATE TABLE flags (
    card_id   INTEGER NOT NULL REFERENCES cards(id),
    seq       INTEGER NOT NULL,               -- order within the card: most severe first
    code      TEXT NOT NULL,
    severity  INTEGER NOT NULL,               -- 1 info, 2 warning, 3 critical
    message   TEXT NOT NULL,
    field     TEXT,
    PRIMARY KEY (card_id, seq)
) WITHOUT ROWID;
CREATE INDEX flags_code ON flags (code, card_id);

-- Denormalised from flags and the card's dates, so that a stage's queue is one index range:
-- flagged first (most severe, then most flags), then the longest idle, then by external id.
-- gone_at, closed, closed_at last: per-stage counts and the queue's "not gone, not closed"
-- filter are answered from the index alone, without reading the cards it skips.
ALTER TABLE cards ADD COLUMN flag_rank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cards ADD COLUMN flag_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cards ADD COLUMN touched_at TEXT;
UPDATE cards SET touched_at = nullif(max(coalesce(last_activity_at, ''),
    coalesce(updated_at, ''), coalesce(created_at, '')), '');
DROP INDEX cards_stage;
"#,
        queue_index!(),
        r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#
    ),
    // 3: a review names the review it replaced. Which review is current is derived from these
    // links and withdrawals alone, so merging bundles from several laptops gives the same answer
    // in any order; `superseded_by` is kept as a cache of that answer.
    r#"
ALTER TABLE reviews ADD COLUMN supersedes TEXT;
UPDATE reviews SET supersedes = (SELECT o.id FROM reviews o WHERE o.superseded_by = reviews.id
                                 ORDER BY o.created_at LIMIT 1);
CREATE INDEX reviews_created ON reviews (created_at);
-- A lead's decision taken back (undo); like a review, kept and marked, never deleted.
ALTER TABLE lead_decisions ADD COLUMN withdrawn_at TEXT;
-- The lead's own checklist answers when they differ from the auditor's (the reference for
-- "grading the grader"), JSON like reviews.checklist.
ALTER TABLE lead_decisions ADD COLUMN checklist TEXT;
-- The decision's place among the decisions on its review (1, 2, …): the highest standing one
-- counts. A clock second cannot order two decisions made within it; this can, on every laptop.
ALTER TABLE lead_decisions ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX lead_decisions_created ON lead_decisions (created_at);

-- A calibration: the same sample of a stage's cards judged by several auditors, to see whether
-- they judge alike. Cards by source and external id, like reviews, so a calibration travels in
-- bundles to laptops that may not have synced every card yet.
CREATE TABLE calibrations (
    id          TEXT PRIMARY KEY,              -- UUID
    stage       TEXT NOT NULL,                 -- the funnel stage's name
    seed        INTEGER NOT NULL,
    auditors    TEXT NOT NULL,                 -- JSON array of names
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE calibration_cards (
    calibration_id   TEXT NOT NULL REFERENCES calibrations(id),
    position         INTEGER NOT NULL,
    card_source      TEXT NOT NULL,
    card_external_id TEXT NOT NULL,
    PRIMARY KEY (calibration_id, position)
) WITHOUT ROWID;
CREATE INDEX calibration_cards_card ON calibration_cards (card_source, card_external_id);
"#,
    // 4: what the reviewer asks on every screen, answered without reading a million cards.
    concat!(
        r#"
-- Summaries the rules run keeps (it reads every card anyway), current while `meta` holds the
-- key 'summaries': an import drops them, and until the rules run again their questions are
-- answered from the cards.
--
-- Cards per stage as the CRM names it, and how many of them are flagged: all of them, those
-- not gone, and those neither gone nor closed (the queue's three filters). The funnel
-- screen's and the queues' figures.
CREATE TABLE stage_counts (
    stage        TEXT PRIMARY KEY,
    cards        INTEGER NOT NULL,
    flagged      INTEGER NOT NULL,    -- flag_count > 0
    live         INTEGER NOT NULL,    -- gone_at IS NULL
    live_flagged INTEGER NOT NULL,
    open         INTEGER NOT NULL,    -- not gone, no closed flag, no closed date
    open_flagged INTEGER NOT NULL
) WITHOUT ROWID;
-- Every owner the cards name: the owner picker's list.
CREATE TABLE owners (
    name TEXT PRIMARY KEY
) WITHOUT ROWID;
INSERT INTO owners SELECT DISTINCT owner FROM cards WHERE owner IS NOT NULL AND owner <> '';
"#,
        fill_stage_counts!(),
        mark_summaries!()
    ),
    // 5: the queue's text filter answered from the queue index.
    concat!(
        r#"
-- The card's id, title and owner, folded (names::search_text), kept at every import.
ALTER TABLE cards ADD COLUMN search TEXT NOT NULL DEFAULT '';
UPDATE cards SET search = okk_search_text(external_id, title, owner);
DROP INDEX cards_queue;
"#,
        queue_index_v5!()
    ),
    // 6: a flagged card's standing in its queue apart from the card's row.
    concat!(
        r#"
-- The first rules run after an import flags a fifth of the cards: with the standing in the card's
-- row, that rewrote every page of the cards (a gigabyte for a million) twice, through the log.
-- Only flagged cards have a row here. It copies the card's queue columns, so that a stage's
-- flagged cards are one range of its index; an import that changes a card deletes its row (and
-- its flags), and the rules run after the import writes them again.
CREATE TABLE standings (
    card_id     INTEGER PRIMARY KEY REFERENCES cards(id),
    flag_rank   INTEGER NOT NULL,             -- the most severe flag (1 info … 3 critical)
    flag_count  INTEGER NOT NULL,             -- > 0
    -- -(flag_rank * 1000000 + flag_count): most severe first, then most flags, in ascending
    -- order, so that a page starts after the last one's key with one seek (a row value).
    place       INTEGER NOT NULL,
    stage       TEXT NOT NULL,
    touched_at  TEXT NOT NULL,                -- '' for none (sorts first, as NULL does in cards)
    external_id TEXT NOT NULL,
    gone_at     TEXT,
    closed      INTEGER,
    closed_at   TEXT,
    search      TEXT NOT NULL
);
INSERT INTO standings
    SELECT id, flag_rank, flag_count, -(flag_rank * 1000000 + flag_count), stage,
           coalesce(touched_at, ''), external_id, gone_at, closed, closed_at, search
    FROM cards WHERE flag_count > 0;
DROP INDEX cards_queue;
ALTER TABLE cards DROP COLUMN flag_rank;
ALTER TABLE cards DROP COLUMN flag_count;
"#,
        standings_index!(),
        queue_index_v6!()
    ),
    // 7: custom fields' names stored once.
    r#"
-- A card's `fields` was a JSON object by name; it becomes [[id, value], …] in the same order,
-- each name stored here once (store::fields). The names were more than half of those bytes.
CREATE TABLE field_names (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
INSERT INTO field_names (name)
    SELECT DISTINCT j.key FROM cards c, json_each(c.fields) j ORDER BY j.key;
UPDATE cards SET fields = (SELECT json_group_array(json_array(n.id, j.value) ORDER BY j.id)
                           FROM json_each(cards.fields) j JOIN field_names n ON n.name = j.key);
"#,
    // 8: the columns each source's exports have had.
    r#"
-- Every column any import of a source had: okk's fields the profile mapped (kind 'okk', by
-- field name) and custom columns (kind 'custom', by folded header). A field the funnel requires
-- that its source never exports is said once, not flagged on every card. A source imported
-- before this table has no rows: nothing is taken as absent for it.
CREATE TABLE source_columns (
    source TEXT NOT NULL,
    kind   TEXT NOT NULL CHECK (kind IN ('okk', 'custom')),
    name   TEXT NOT NULL,
    PRIMARY KEY (source, kind, name)
) WITHOUT ROWID;
"#,
    // 9: signed bundles: the keys this store trusts, and the signatures records came with.
    r#"
-- An auditor's or lead's public key (ed25519, hex) and the name its signatures may claim. `lead`:
-- may withdraw anyone's review and vouch for others' keys. `how`: 'trusted' by `okk bundle
-- trust`, 'first use: FILE', or 'vouched for by NAME: FILE'.
CREATE TABLE trusted_keys (
    key      TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    lead     INTEGER NOT NULL DEFAULT 0,
    added_at TEXT NOT NULL,
    how      TEXT NOT NULL
) WITHOUT ROWID;
-- 'KEY:SIGNATURE' as the record arrived in a bundle; NULL: made in this store (signed with its
-- own key when exported).
ALTER TABLE reviews ADD COLUMN signature TEXT;
ALTER TABLE reviews ADD COLUMN withdrawal_signature TEXT;
ALTER TABLE lead_decisions ADD COLUMN signature TEXT;
ALTER TABLE lead_decisions ADD COLUMN withdrawal_signature TEXT;
ALTER TABLE calibrations ADD COLUMN signature TEXT;
"#,
    // 10: live sync over a CRM's REST API (store::crm).
    r#"
-- One row per configured connection: how far its deals were read. The cursor is the largest
-- update time (Unix seconds) the CRM returned, written in the same transaction as the page it
-- came with, so a sync killed at any moment resumes where it stopped.
CREATE TABLE crm_sync (
    connection    TEXT PRIMARY KEY,
    cursor        INTEGER,
    events_cursor INTEGER,
    synced_at     TEXT,
    full_at       TEXT,
    resume        TEXT
);
"#,
    // 11: flags hold their evidence as data, rendered in the reader's language on display.
    r#"
-- A flag's evidence (field, values, dates, phrase, stages, limits) is `args`, the compact JSON of
-- domain::flag::Evidence; the sentence is rendered from it at display time, and a rules rerun
-- compares it, not an English sentence. The old flags held only the sentence, which cannot be
-- read back into evidence: they are dropped, and the rules marker with them, so the next okk to
-- open the store re-judges every card and writes them anew. Standings stay: that run keeps those
-- it finds unchanged and rewrites the rest.
DROP TABLE flags;
CREATE TABLE flags (
    card_id   INTEGER NOT NULL REFERENCES cards(id),
    seq       INTEGER NOT NULL,               -- order within the card: most severe first
    code      TEXT NOT NULL,
    severity  INTEGER NOT NULL,               -- 1 info, 2 warning, 3 critical
    field     TEXT,
    args      TEXT NOT NULL,                  -- JSON of domain::flag::Evidence
    PRIMARY KEY (card_id, seq)
) WITHOUT ROWID;
CREATE INDEX flags_code ON flags (code, card_id);
DELETE FROM meta WHERE key = 'rules_ran_for';
"#,
    // 12: where each stage's cards without flags start in its queue.
    r#"
-- Each stage's first card without flags in the queue's order (touched, then external id), kept
-- by the rules run with the other summaries: the queue's second part starts there with one seek,
-- where it skipped the flagged cards that come first one by one (tens of thousands in a stage of
-- mostly flagged cards). A NULL id: the stage has no card without flags.
ALTER TABLE stage_counts ADD COLUMN rest_touched_at TEXT;
ALTER TABLE stage_counts ADD COLUMN rest_external_id TEXT;
-- Filled by the next rules run; until then the queue skips as before.
DELETE FROM meta WHERE key = 'summaries';
DELETE FROM stage_counts;
"#,
    // 13: the hand-out of a queue shared by auditors on one store file (store::claims).
    r#"
-- A card handed out to one auditor until `until` (Unix seconds on this machine's clock, never
-- --today); expired, it is back in the queue. Calibration cards are never held: every listed
-- auditor judges them.
-- IF NOT EXISTS: a store whose version number was stepped back by hand keeps its table.
CREATE TABLE IF NOT EXISTS leases (
    card_id INTEGER PRIMARY KEY,
    auditor TEXT NOT NULL,
    until   REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS leases_auditor ON leases (auditor, until);
"#,
    // 14: every funnel config okk has run with (store::funnel_versions).
    r#"
-- A funnel version: the config's text as okk ran with it, by its content hash (the rules run's
-- fingerprint), numbered in the order first used. `changes` is the JSON of
-- domain::funnel_diff::FunnelDiff from the version before. The text is kept so that the next
-- version can be compared with it and analytics split at a version. IF NOT EXISTS: tests (and a
-- store rolled back by hand) replay migrations over a store that has it.
CREATE TABLE IF NOT EXISTS funnel_versions (
    version    INTEGER PRIMARY KEY,
    hash       TEXT NOT NULL UNIQUE,
    first_used TEXT NOT NULL,
    name       TEXT NOT NULL,
    content    TEXT NOT NULL,
    changes    TEXT NOT NULL
);
"#,
    // 15: the fill figures each import or sync run left (store::fill_trend).
    r#"
-- Per run (the import batch it was taken after), field and stage: the cards not gone and how
-- many had the field filled, desk-wide. `okk fields` shows the rates run by run (the trend).
CREATE TABLE IF NOT EXISTS fill_snapshots (
    batch_id INTEGER NOT NULL REFERENCES import_batches(id),
    field    TEXT NOT NULL,
    stage    TEXT NOT NULL,
    cards    INTEGER NOT NULL,
    filled   INTEGER NOT NULL,
    PRIMARY KEY (batch_id, field, stage)
) WITHOUT ROWID;
"#,
    // 16: okk users and their roles (store::users). A store file is one person's: roles there
    // keep names straight (an auditor's name does not lead once an admin set roles up), they
    // guard nothing from that person.
    r#"
CREATE TABLE IF NOT EXISTS users (
    name     TEXT PRIMARY KEY,
    role     TEXT NOT NULL CHECK (role IN ('auditor', 'lead')),
    assigned INTEGER NOT NULL DEFAULT 0
);
"#,
    // 17: the notes a live sync reads (store::crm): per connection and deal, by the CRM's note
    // id, so that an edited note replaces its old text and a note that comes before its deal
    // waits for it; the card's notes are these, newest first. How far the notes were read.
    // IF NOT EXISTS: tests replay migrations over a store that has them.
    r#"
CREATE TABLE IF NOT EXISTS crm_notes (
    connection TEXT NOT NULL,
    deal       TEXT NOT NULL,
    note       TEXT NOT NULL,
    at         INTEGER NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (connection, deal, note)
) WITHOUT ROWID;
-- How far each connection's notes were read: the largest update time (Unix seconds) of a note
-- read, written with the page it came with (as crm_sync's cursors).
CREATE TABLE IF NOT EXISTS crm_notes_read (
    connection TEXT PRIMARY KEY,
    cursor     INTEGER
);
"#,
    // 18: the flags' index by rule code goes: no query reads it (a rule's flags are picked out
    // of a card's own, read by card), and a first import with rules built it again at its
    // commit, a sort of every flag on the thread the import waits for. IF EXISTS: tests replay
    // migrations over a store without it.
    r#"
DROP INDEX IF EXISTS flags_code;
"#,
    // 19: a draft is the whole review being built, not only its comment: the checklist
    // answers, the stage and owner suggested and the field corrections, as `reviews` holds
    // them, so that leaving a card unjudged loses none of it. The table is built anew rather
    // than altered: SQLite has no ADD COLUMN IF NOT EXISTS, and tests replay migrations over a
    // store that has the columns.
    r#"
CREATE TABLE drafts_whole (
    card_id         INTEGER NOT NULL REFERENCES cards(id),
    auditor         TEXT NOT NULL,
    comment         TEXT NOT NULL,
    checklist       TEXT NOT NULL DEFAULT '{}',   -- JSON of domain::score::Answers
    suggested_stage TEXT,
    suggested_owner TEXT,
    corrections     TEXT NOT NULL DEFAULT '{}',   -- JSON of domain::review::Corrections
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (card_id, auditor)
);
INSERT INTO drafts_whole (card_id, auditor, comment, updated_at)
SELECT card_id, auditor, comment, updated_at FROM drafts;
DROP TABLE drafts;
ALTER TABLE drafts_whole RENAME TO drafts;
"#,
    // 20: a stage the CRM renamed is not a change of its cards.
    r#"
-- A card whose export changed only in its stage's name, to another name the funnel has for the
-- same stage (the CRM renamed the stage; the funnel keeps the old name as an alias), takes the
-- new name but keeps its content_hash: its reviews saw this card, and it did not move. What
-- the export said is kept here, so that the next import of it finds the card unchanged; NULL:
-- the content_hash says it. Any other change sets content_hash and clears this.
ALTER TABLE cards ADD COLUMN export_digest INTEGER;
"#,
    // 21: a full sweep (`okk sync --full`) stopped half-way is finished by the next sync of its
    // connection (store::crm). IF NOT EXISTS: tests replay migrations over a store that has them.
    r#"
-- A connection's full sweep under way: when it began. The row goes when the sweep finishes
-- (it marks the deals it did not list gone), with the deals below.
CREATE TABLE IF NOT EXISTS crm_sweep (
    connection TEXT PRIMARY KEY,
    started_at TEXT NOT NULL
);
-- The deals the sweep under way has listed so far, written with the pages they came with.
CREATE TABLE IF NOT EXISTS crm_swept (
    connection TEXT NOT NULL,
    deal       TEXT NOT NULL,
    PRIMARY KEY (connection, deal)
) WITHOUT ROWID;
"#,
    // 22: the CRM's own order of its pipelines and stages, as each connection's last sync read
    // them (store::crm), for `okk funnel init --from-store`. IF NOT EXISTS: tests replay
    // migrations over a store that has it.
    r#"
-- One row per stage of every pipeline the CRM listed, replaced whole by each sync of the
-- connection, in the transaction of its first pages. Ids as the CRM gives them (amoCRM's 142
-- and 143 repeat in every pipeline); `sort`, the CRM's order (smaller first).
CREATE TABLE IF NOT EXISTS crm_stages (
    connection    TEXT NOT NULL,
    pipeline_id   TEXT NOT NULL,
    pipeline      TEXT NOT NULL,
    pipeline_sort INTEGER NOT NULL,
    stage_id      TEXT NOT NULL,
    stage         TEXT NOT NULL,
    sort          INTEGER NOT NULL,
    PRIMARY KEY (connection, pipeline_id, stage_id)
) WITHOUT ROWID;
"#,
    // 23: a sync under way: when the run that has not finished began (store::crm).
    r#"
-- Written by a run's first transaction (with its first pages and cursor), cleared by its last
-- (the one that marks the run synced): set when a run begins, it says an earlier run was
-- killed or stopped half-way, and which moment it began at.
ALTER TABLE crm_sync ADD COLUMN run_begun_at TEXT;
"#,
    // 24: what each CRM stage means to its pipeline (store::crm): `okk export crm` lands a
    // move to the funnel's won or lost stage on the card's pipeline's own success or failure
    // stage, whatever it is named.
    r#"
-- 'open', 'won' or 'lost' as the CRM says (Bitrix24's SEMANTICS, amoCRM's 142 and 143);
-- NULL: written by a sync before okk kept it (the next sync of the connection fills it).
ALTER TABLE crm_stages ADD COLUMN semantics TEXT;
"#,
    // 25: a review's withdrawal held out by the lead's decisions (store::withdrawals,
    // domain::withdrawal): kept, so that a decision taken back may still let it apply and the
    // store's bundles carry it.
    r#"
-- The review's withdrawal (its time and signature, as `withdrawn_at` and
-- `withdrawal_signature` would hold it) while a lead's decision keeps it out: a decision that
-- stands, or one taken back only after the withdrawal was made. At most one of the two pairs
-- is set; `withdrawn_at` alone says the review is withdrawn.
ALTER TABLE reviews ADD COLUMN held_withdrawn_at TEXT;
ALTER TABLE reviews ADD COLUMN held_withdrawal_signature TEXT;
"#,
    // 26: how the reader wrote a connection's values when it last read every deal
    // (crm::sync): a store an older okk synced is read whole again by its next sync.
    r#"
-- The reader's version of writing values (`VALUES_VERSION` in src/crm/) the connection's deals
-- were last read whole with; NULL: synced before okk kept it (version 0).
ALTER TABLE crm_sync ADD COLUMN values_version INTEGER;
"#,
    // 27: the card as its auditor judged it, kept with the review (store::as_judged), so that
    // her card screen and the lead's can say which fields a sync changed since, and from what.
    r#"
-- JSON of domain::as_judged::AsJudged, its custom fields keyed as `cards.fields` keys them
-- (by field id); bounded (a long value is kept as its digest). NULL: a review made before okk
-- kept it (it says only that the card changed). `judged_signature`: its author's signature of
-- it, as it came in a bundle ('KEY:SIGNATURE'), signed apart from the review's; NULL: made here.
ALTER TABLE reviews ADD COLUMN judged TEXT;
ALTER TABLE reviews ADD COLUMN judged_signature TEXT;
"#,
    // 28: Pipedrive's deal fields under their labels, as imports name them since session 26
    // (`Сделка - Бюджет` → `Бюджет`): a data migration, `store::relabel`, run after this text.
    r#"
-- The cards of Pipedrive sources, their sources' custom columns and the field names they free:
-- see store/relabel.rs (RELABEL_PIPEDRIVE).
"#,
    // 29: the lead ends a calibration (`okk calibrate end`, store::calibration): its cards
    // leave its auditors' queues and no longer keep a card from a prune; bundles carry the end.
    r#"
-- When the calibration ended (the store's time shape) and who ended it; NULL: open. Both are
-- set together, once: an end is never taken back (a bundle's earlier end replaces a later one).
-- `end_signature`: the ender's signature of the end as it came in a bundle ('KEY:SIGNATURE'),
-- signed apart from the calibration; NULL: ended here (signed when exported), or open.
ALTER TABLE calibrations ADD COLUMN ended_at TEXT;
ALTER TABLE calibrations ADD COLUMN ended_by TEXT;
ALTER TABLE calibrations ADD COLUMN end_signature TEXT;
"#,
];

/// The migration after whose text `store::relabel` moves Pipedrive's old field names.
pub const RELABEL_PIPEDRIVE: usize = 28;

/// The first schema with `crm_stages.semantics` (an older store read as it is lands moves by
/// name).
pub const STAGE_SEMANTICS_FROM: i64 = 24;

/// The first schema with `crm_stages` (a store read as it is may be older: it has no CRM
/// order to give).
pub const CRM_STAGES_FROM: i64 = 22;

/// The first schema with `crm_sync.run_begun_at` (an older store read as it is has no run
/// under way to tell).
pub const RUN_BEGUN_FROM: i64 = 23;

/// The first schema with `crm_sync.values_version` (an older store read as it is says none).
pub const VALUES_VERSION_FROM: i64 = 26;

/// The first schema with `reviews.judged` (an older store read as it is has no review that
/// kept its card).
pub const JUDGED_FROM: i64 = 27;

/// The first schema with a calibration's end (`calibrations.ended_at`): an older store read as
/// it is reads its calibrations through [`OPEN_CALIBRATIONS`], every one of them open.
pub const ENDED_FROM: i64 = 29;

/// For a store older than [`ENDED_FROM`] read as it is (never upgraded): a temporary view
/// that shows its calibrations with the end's columns, none ended. SQLite looks a name up in
/// `temp` before `main`, so every read of `calibrations` reads it as a newer store's.
pub const OPEN_CALIBRATIONS: &str = "CREATE TEMP VIEW calibrations AS
    SELECT *, NULL AS ended_at, NULL AS ended_by, NULL AS end_signature FROM main.calibrations";

pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// The oldest schema this okk reads as it is, where it may not upgrade it (a store in a folder
/// it may not write to): the migrations after it add only what writing uses (20: the export
/// digest an import compares; 21: a sync's sweep under way), or what a read does without on an
/// older store (22: the CRM's order of its stages, [`CRM_STAGES_FROM`]; 23: when a sync under
/// way began, [`RUN_BEGUN_FROM`]; 24: what a CRM stage means, [`STAGE_SEMANTICS_FROM`]), or
/// what only writes touch (25: a withdrawal held out, which merges and undos weigh; 26: the
/// version of a sync's values, [`VALUES_VERSION_FROM`]), or what reads do without (27: the
/// card as judged, [`JUDGED_FROM`]; 29: a calibration's end, [`ENDED_FROM`]: none ended), or
/// data reads take as they find it (28: Pipedrive's old field names, [`RELABEL_PIPEDRIVE`]).
/// Raise it with a
/// migration that reads need.
pub const READS_AS_IT_IS_FROM: i64 = 19;

/// Migrations that only add a column, by number: (table, column). SQLite has no ADD COLUMN IF
/// NOT EXISTS, and tests (and a store whose version was stepped back by hand) replay
/// migrations over a store that has the column: such a migration is skipped where its column
/// is.
const ADDS_COLUMN: [(usize, &str, &str); 7] = [
    (20, "cards", "export_digest"),
    (23, "crm_sync", "run_begun_at"),
    (24, "crm_stages", "semantics"),
    (25, "reviews", "held_withdrawn_at"),
    (26, "crm_sync", "values_version"),
    (27, "reviews", "judged"),
    (29, "calibrations", "ended_at"),
];

/// Whether migration `number` (from 1) would add a column the store has already.
pub fn adds_a_column_there(conn: &rusqlite::Connection, number: usize) -> rusqlite::Result<bool> {
    let Some((_, table, column)) = ADDS_COLUMN.iter().find(|(n, _, _)| *n == number) else {
        return Ok(false);
    };
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2)",
        [table, column],
        |r| r.get(0),
    )
}
