//! The PostgreSQL schema as forward-only migrations, each one transaction under an advisory
//! lock (two okk never migrate at once); `okk_meta` holds the version. Never edit a shipped one.

use postgres::GenericClient;

use super::PgStore;
use crate::store::StoreError;

/// The advisory lock migrations take (any number: only okk's migrations use it).
const MIGRATION_LOCK: i64 = 0x6F6B_6B21;

/// The tables are SQLite's (`store::schema`) in PostgreSQL's types, times in the same text
/// shape ('YYYY-MM-DD HH:MM:SS', compared as text) and the keys the queue orders by in the "C"
/// collation, so that both backends list a queue in one order. No foreign keys: a whole store
/// is copied in (`okk db copy`) table by table, and reviews name reviews.
pub const MIGRATIONS: &[&str] = &[
    // 1: what the reviewer's desk reads and writes, and the hand-out's leases.
    r#"
CREATE TABLE import_batches (
    id          bigint PRIMARY KEY,
    file        text NOT NULL,
    profile     text NOT NULL,
    source      text NOT NULL,
    encoding    text NOT NULL,
    started_at  text NOT NULL,
    finished_at text,
    partial     bigint NOT NULL DEFAULT 0,
    rows        bigint NOT NULL DEFAULT 0,
    inserted    bigint NOT NULL DEFAULT 0,
    updated     bigint NOT NULL DEFAULT 0,
    unchanged   bigint NOT NULL DEFAULT 0,
    gone        bigint NOT NULL DEFAULT 0,
    warnings    bigint NOT NULL DEFAULT 0
);
CREATE TABLE cards (
    id                bigint PRIMARY KEY,
    source            text NOT NULL,
    external_id       text COLLATE "C" NOT NULL,
    pipeline          text,
    stage             text COLLATE "C" NOT NULL,
    title             text,
    owner             text COLLATE "C",
    amount            double precision,
    currency          text,
    created_at        text,
    updated_at        text,
    closed_at         text,
    expected_close_at text,
    last_activity_at  text,
    closed            bigint,
    won               bigint,
    contact           text,
    company           text,
    phones            text NOT NULL DEFAULT '[]',
    emails            text NOT NULL DEFAULT '[]',
    tags              text NOT NULL DEFAULT '[]',
    notes             text NOT NULL DEFAULT '[]',
    fields            text NOT NULL DEFAULT '[]',
    invalid           text NOT NULL DEFAULT '{}',
    content_hash      bigint NOT NULL,
    first_batch       bigint NOT NULL,
    changed_batch     bigint NOT NULL,
    changed_at        text NOT NULL,
    gone_at           text,
    gone_batch        bigint,
    touched_at        text COLLATE "C",
    search            text NOT NULL DEFAULT '',
    UNIQUE (source, external_id)
);
-- The queue's order of the cards without flags (a card without a date first, as '').
CREATE INDEX cards_queue ON cards (stage, (coalesce(touched_at, '')), external_id);
CREATE TABLE stage_history (
    card_id   bigint NOT NULL,
    batch_id  bigint NOT NULL,
    seen_at   text NOT NULL,
    pipeline  text,
    stage     text NOT NULL,
    PRIMARY KEY (card_id, batch_id)
);
CREATE TABLE field_names (
    id   bigint PRIMARY KEY,
    name text NOT NULL UNIQUE
);
CREATE TABLE flags (
    card_id   bigint NOT NULL,
    seq       bigint NOT NULL,
    code      text NOT NULL,
    severity  bigint NOT NULL,
    field     text,
    args      text NOT NULL,
    PRIMARY KEY (card_id, seq)
);
CREATE TABLE standings (
    card_id     bigint PRIMARY KEY,
    flag_rank   bigint NOT NULL,
    flag_count  bigint NOT NULL,
    place       bigint NOT NULL,
    stage       text COLLATE "C" NOT NULL,
    touched_at  text COLLATE "C" NOT NULL,
    external_id text COLLATE "C" NOT NULL,
    gone_at     text,
    closed      bigint,
    closed_at   text,
    search      text NOT NULL
);
CREATE INDEX standings_queue ON standings (stage, place, touched_at, external_id);
-- `seq`: the order reviews were written in (SQLite's rowid), which the lead's list keeps.
CREATE TABLE reviews (
    seq                bigserial UNIQUE,
    id                 text PRIMARY KEY,
    card_id            bigint,
    card_source        text NOT NULL,
    card_external_id   text NOT NULL,
    auditor            text NOT NULL,
    stage              text NOT NULL,
    verdict            text NOT NULL CHECK (verdict IN ('ok','wrong_stage','stale','dead','unclear')),
    checklist          text NOT NULL DEFAULT '{}',
    score              double precision,
    suggested_stage    text,
    suggested_owner    text,
    corrections        text NOT NULL DEFAULT '{}',
    comment            text NOT NULL DEFAULT '',
    card_hash          bigint,
    funnel_fingerprint text,
    created_at         text COLLATE "C" NOT NULL,
    seconds_spent      double precision,
    superseded_by      text,
    withdrawn_at       text,
    supersedes         text,
    signature          text,
    withdrawal_signature text
);
CREATE INDEX reviews_card ON reviews (card_source, card_external_id, auditor);
CREATE INDEX reviews_auditor ON reviews (auditor, card_id);
CREATE INDEX reviews_card_id ON reviews (card_id);
CREATE TABLE lead_decisions (
    id              text PRIMARY KEY,
    review_id       text NOT NULL,
    lead            text NOT NULL,
    decision        text NOT NULL CHECK (decision IN ('accept','override','return')),
    verdict         text,
    suggested_stage text,
    suggested_owner text,
    note            text NOT NULL DEFAULT '',
    created_at      text COLLATE "C" NOT NULL,
    withdrawn_at    text,
    checklist       text,
    seq             bigint NOT NULL DEFAULT 0,
    signature       text,
    withdrawal_signature text
);
CREATE INDEX lead_decisions_review ON lead_decisions (review_id, seq);
CREATE TABLE drafts (
    card_id    bigint NOT NULL,
    auditor    text NOT NULL,
    comment    text NOT NULL,
    updated_at text NOT NULL,
    PRIMARY KEY (card_id, auditor)
);
CREATE TABLE calibrations (
    id          text PRIMARY KEY,
    stage       text NOT NULL,
    seed        bigint NOT NULL,
    auditors    text NOT NULL,
    created_by  text NOT NULL,
    created_at  text COLLATE "C" NOT NULL,
    signature   text
);
CREATE TABLE calibration_cards (
    calibration_id   text NOT NULL,
    position         bigint NOT NULL,
    card_source      text NOT NULL,
    card_external_id text NOT NULL,
    PRIMARY KEY (calibration_id, position)
);
CREATE INDEX calibration_cards_card ON calibration_cards (card_source, card_external_id);
-- A card handed out to one auditor until `until` (the server's clock); expired, it is back in
-- the queue. Calibration cards are never leased: every listed auditor judges them.
CREATE TABLE leases (
    card_id bigint PRIMARY KEY,
    auditor text NOT NULL,
    until   timestamptz NOT NULL
);
CREATE INDEX leases_auditor ON leases (auditor, until);
"#,
    // 2: who may do what (store::pg::roles, docs/team-server.md "Roles"), and the store's
    // funnel. Policies are for every role but the owner (who owns the tables and so passes
    // them): the grants `okk db roles` gives okk_auditor and okk_lead decide the rest. Only the
    // owner's rights are needed here; the cluster's roles are the admin command's.
    r#"
-- `login`: the PostgreSQL login role this okk user connects as (okk db roles). `assigned`: an
-- admin named this user; names registered on first use, before roles are set up, are not.
CREATE TABLE okk_users (
    name     text PRIMARY KEY,
    role     text NOT NULL CHECK (role IN ('auditor', 'lead')),
    login    text UNIQUE,
    assigned boolean NOT NULL DEFAULT false
);
-- The okk user this session's login role is mapped to (none for the owner and strangers).
CREATE FUNCTION okk_user() RETURNS text LANGUAGE sql STABLE AS
    $$ SELECT name FROM okk_users WHERE login = session_user $$;
CREATE FUNCTION okk_is_lead() RETURNS boolean LANGUAGE sql STABLE AS
    $$ SELECT coalesce((SELECT role = 'lead' FROM okk_users WHERE login = session_user), false) $$;
-- The funnels okk has judged by (as SQLite's funnel_versions), and the one the store's lead
-- applied (`okk funnel apply`): the latest row is the funnel every command on the store uses.
CREATE TABLE funnel_versions (
    version    bigint PRIMARY KEY,
    hash       text NOT NULL UNIQUE,
    first_used text NOT NULL,
    name       text NOT NULL,
    content    text NOT NULL,
    changes    text NOT NULL
);
-- What a laptop's store keeps beside the desk's tables, so that a store copied to the server
-- and back (okk db copy, both ways) loses nothing, and bundles merge into the server store
-- against the keys it trusts: SQLite's tables of the same names.
CREATE TABLE trusted_keys (
    key      text PRIMARY KEY,
    name     text NOT NULL,
    lead     bigint NOT NULL DEFAULT 0,
    added_at text NOT NULL,
    how      text NOT NULL
);
CREATE TABLE crm_sync (
    connection    text PRIMARY KEY,
    cursor        bigint,
    events_cursor bigint,
    synced_at     text,
    full_at       text,
    resume        text
);
CREATE TABLE source_columns (
    source text NOT NULL,
    kind   text NOT NULL CHECK (kind IN ('okk', 'custom')),
    name   text NOT NULL,
    PRIMARY KEY (source, kind, name)
);
CREATE TABLE funnel_applied (
    seq        bigserial PRIMARY KEY,
    hash       text NOT NULL,
    applied_by text NOT NULL,
    applied_at text NOT NULL
);

ALTER TABLE reviews ENABLE ROW LEVEL SECURITY;
CREATE POLICY reviews_read ON reviews FOR SELECT USING (true);
CREATE POLICY reviews_own ON reviews FOR INSERT WITH CHECK (auditor = okk_user());
CREATE POLICY reviews_own_change ON reviews FOR UPDATE
    USING (auditor = okk_user()) WITH CHECK (auditor = okk_user());
ALTER TABLE drafts ENABLE ROW LEVEL SECURITY;
CREATE POLICY drafts_own ON drafts USING (auditor = okk_user()) WITH CHECK (auditor = okk_user());
ALTER TABLE lead_decisions ENABLE ROW LEVEL SECURITY;
CREATE POLICY decisions_read ON lead_decisions FOR SELECT USING (true);
CREATE POLICY decisions_by_lead ON lead_decisions FOR INSERT
    WITH CHECK (okk_is_lead() AND lead = okk_user());
CREATE POLICY decisions_withdrawn_by_lead ON lead_decisions FOR UPDATE
    USING (okk_is_lead()) WITH CHECK (okk_is_lead());
-- An expired lease is anyone's to take; a lease is always in the taker's own name.
ALTER TABLE leases ENABLE ROW LEVEL SECURITY;
CREATE POLICY leases_read ON leases FOR SELECT USING (true);
CREATE POLICY leases_own ON leases FOR INSERT WITH CHECK (auditor = okk_user());
CREATE POLICY leases_taken ON leases FOR UPDATE USING (true) WITH CHECK (auditor = okk_user());
CREATE POLICY leases_given_back ON leases FOR DELETE USING (auditor = okk_user());
-- A claim locks the cards it hands out (FOR UPDATE asks the UPDATE right): the right is granted,
-- and no row an auditor or a lead could write passes the check.
ALTER TABLE cards ENABLE ROW LEVEL SECURITY;
CREATE POLICY cards_read ON cards FOR SELECT USING (true);
CREATE POLICY cards_locked_never_changed ON cards FOR UPDATE USING (true) WITH CHECK (false);
ALTER TABLE funnel_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY funnel_versions_read ON funnel_versions FOR SELECT USING (true);
CREATE POLICY funnel_versions_by_lead ON funnel_versions FOR INSERT WITH CHECK (okk_is_lead());
ALTER TABLE funnel_applied ENABLE ROW LEVEL SECURITY;
CREATE POLICY funnel_read ON funnel_applied FOR SELECT USING (true);
CREATE POLICY funnel_by_lead ON funnel_applied FOR INSERT
    WITH CHECK (okk_is_lead() AND applied_by = okk_user());
"#,
    // 3: the live team: a verdict or a lead's decision tells every listening okk (`LISTEN
    // okk`), once per statement, as it commits.
    r#"
CREATE FUNCTION okk_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('okk', TG_TABLE_NAME);
    RETURN NULL;
END $$;
CREATE TRIGGER reviews_notify AFTER INSERT OR UPDATE ON reviews
    FOR EACH STATEMENT EXECUTE FUNCTION okk_notify();
CREATE TRIGGER lead_decisions_notify AFTER INSERT OR UPDATE ON lead_decisions
    FOR EACH STATEMENT EXECUTE FUNCTION okk_notify();
"#,
    // 4: the hand-out's "next free" mark: `judged` on a card and its standing says a current
    // review (of anyone) judged the card as it is now and was not sent back; triggers keep it,
    // and partial indexes in queue order leave judged cards out, so a claim does not walk
    // past every card judged before it. The claim still checks the reviews itself. The marking
    // runs as the tables' owner: an auditor's verdict re-marks the card, which no auditor's
    // role may update itself (migration 2's policies).
    r#"
CREATE FUNCTION okk_judged(card bigint, hash bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM reviews r
        WHERE r.card_id = card AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
          AND r.card_hash = hash
          AND coalesce((SELECT d.decision FROM lead_decisions d
                        WHERE d.review_id = r.id AND d.withdrawn_at IS NULL
                        ORDER BY d.seq DESC LIMIT 1), '') <> 'return')
$$;
ALTER TABLE cards ADD COLUMN judged boolean NOT NULL DEFAULT false;
ALTER TABLE standings ADD COLUMN judged boolean NOT NULL DEFAULT false;
UPDATE cards c SET judged = true WHERE okk_judged(c.id, c.content_hash);
UPDATE standings s SET judged = true FROM cards c WHERE c.id = s.card_id AND c.judged;
CREATE FUNCTION okk_mark_judged(card bigint) RETURNS void LANGUAGE sql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
    UPDATE cards SET judged = okk_judged(id, content_hash) WHERE id = card;
    UPDATE standings s SET judged = c.judged FROM cards c WHERE c.id = card AND s.card_id = card;
$$;
CREATE FUNCTION okk_review_judged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM okk_mark_judged(NEW.card_id);
    RETURN NULL;
END $$;
CREATE TRIGGER reviews_judged AFTER INSERT OR UPDATE ON reviews
    FOR EACH ROW EXECUTE FUNCTION okk_review_judged();
CREATE FUNCTION okk_decision_judged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM okk_mark_judged(r.card_id) FROM reviews r WHERE r.id = NEW.review_id;
    RETURN NULL;
END $$;
CREATE TRIGGER lead_decisions_judged AFTER INSERT OR UPDATE ON lead_decisions
    FOR EACH ROW EXECUTE FUNCTION okk_decision_judged();
CREATE FUNCTION okk_card_judged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.judged := okk_judged(NEW.id, NEW.content_hash);
    RETURN NEW;
END $$;
CREATE TRIGGER cards_judged BEFORE INSERT OR UPDATE OF content_hash ON cards
    FOR EACH ROW EXECUTE FUNCTION okk_card_judged();
CREATE FUNCTION okk_standing_judged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.judged := coalesce((SELECT c.judged FROM cards c WHERE c.id = NEW.card_id), false);
    RETURN NEW;
END $$;
CREATE TRIGGER standings_judged BEFORE INSERT ON standings
    FOR EACH ROW EXECUTE FUNCTION okk_standing_judged();
CREATE INDEX standings_open ON standings (stage, place, touched_at, external_id)
    WHERE NOT judged;
CREATE INDEX cards_open ON cards (stage, (coalesce(touched_at, '')), external_id)
    WHERE NOT judged;
"#,
    // 5: a verdict and a lead's decision in one call each (a function in a transaction of its
    // own, instead of BEGIN with the locks, the statement and COMMIT), their notice sent after
    // the commit, and a `judged` mark written only when it changes. The functions run as the
    // caller: the row policies of migration 2 hold for what they write as for a plain INSERT.
    // And the claim's
    // partial indexes end with the card's id, which the claim orders by last: with them alone
    // giving its order, the planner no longer takes the whole stage's index (as cheap on
    // statistics that predate the judging) and walks past every card judged before.
    r#"
DROP INDEX standings_open;
DROP INDEX cards_open;
CREATE INDEX standings_open ON standings (stage, place, touched_at, external_id, card_id)
    WHERE NOT judged;
CREATE INDEX cards_open ON cards (stage, (coalesce(touched_at, '')), external_id, id)
    WHERE NOT judged;
-- The usual verdict: the auditor's first review of the card. Under the verdict's lock (the
-- key the client hashes) and the card's row lock, in the claim's order (card, then lease):
-- the review, the draft's delete and the lease's end. 'known': a review is there under this
-- id, nothing written; 'earlier': the auditor judged the card before, nothing written (the
-- client settles which review is current in its own transaction, store::reviews' rule).
CREATE FUNCTION okk_save_review(
    in_id text, in_card bigint, in_source text, in_external_id text, in_auditor text,
    in_stage text, in_verdict text, in_checklist text, in_score double precision,
    in_suggested_stage text, in_suggested_owner text, in_corrections text, in_comment text,
    in_card_hash bigint, in_funnel text, in_created_at text, in_seconds double precision,
    in_lock bigint) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('okk.notify_after_commit', 'on', true);
    PERFORM pg_advisory_xact_lock(in_lock);
    PERFORM FROM cards c WHERE c.id = in_card FOR UPDATE;
    IF EXISTS (SELECT 1 FROM reviews r WHERE r.id = in_id) THEN
        RETURN 'known';
    END IF;
    IF EXISTS (SELECT 1 FROM reviews r WHERE r.card_source = in_source
               AND r.card_external_id = in_external_id AND r.auditor = in_auditor) THEN
        RETURN 'earlier';
    END IF;
    INSERT INTO reviews (id, card_id, card_source, card_external_id, auditor, stage, verdict,
        checklist, score, suggested_stage, suggested_owner, corrections, comment, card_hash,
        funnel_fingerprint, created_at, seconds_spent)
    VALUES (in_id, in_card, in_source, in_external_id, in_auditor, in_stage, in_verdict,
        in_checklist, in_score, in_suggested_stage, in_suggested_owner, in_corrections,
        in_comment, in_card_hash, in_funnel, in_created_at, in_seconds)
    ON CONFLICT (id) DO NOTHING;
    IF NOT FOUND THEN
        RETURN 'known';
    END IF;
    DELETE FROM drafts d WHERE d.card_id = in_card AND d.auditor = in_auditor;
    DELETE FROM leases l WHERE l.card_id = in_card AND l.auditor = in_auditor;
    RETURN 'saved';
END $$;
-- A lead's decision, its place among the review's decisions taken under the review's lock
-- (each statement here reads what committed before the lock was had).
CREATE FUNCTION okk_decide(
    in_id text, in_review text, in_lead text, in_decision text, in_verdict text,
    in_suggested_stage text, in_suggested_owner text, in_note text, in_created_at text,
    in_checklist text, in_lock bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('okk.notify_after_commit', 'on', true);
    PERFORM pg_advisory_xact_lock(in_lock);
    INSERT INTO lead_decisions (id, review_id, lead, decision, verdict, suggested_stage,
        suggested_owner, note, created_at, checklist, seq)
    VALUES (in_id, in_review, in_lead, in_decision, in_verdict, in_suggested_stage,
        in_suggested_owner, in_note, in_created_at, in_checklist,
        (SELECT coalesce(max(d.seq), 0) + 1 FROM lead_decisions d
         WHERE d.review_id = in_review));
END $$;
-- A transaction that notifies holds the server's one notification lock until its commit is on
-- disk: every verdict and decision committed one flush after another, none sharing one (a
-- WAL flush is ~4 ms; five sessions queued on it). The two calls above notify after their
-- commit instead, in a statement of their own that writes nothing (the client sends it).
CREATE OR REPLACE FUNCTION okk_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('okk.notify_after_commit', true) IS DISTINCT FROM 'on' THEN
        PERFORM pg_notify('okk', TG_TABLE_NAME);
    END IF;
    RETURN NULL;
END $$;
-- A lead's accept leaves the card judged: no new row version of the card and its standing
-- (nor their row locks, which a claim's SKIP LOCKED would walk past).
CREATE OR REPLACE FUNCTION okk_mark_judged(card bigint) RETURNS void LANGUAGE sql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
    UPDATE cards SET judged = okk_judged(id, content_hash)
    WHERE id = card AND judged <> okk_judged(id, content_hash);
    UPDATE standings s SET judged = c.judged FROM cards c
    WHERE c.id = card AND s.card_id = card AND s.judged <> c.judged;
$$;
"#,
    // 6: the notes a live sync reads (SQLite's migration 17, store::crm), so that a store
    // copied to the server and back keeps them; and a lead's own import and rules run
    // (`okk import`, `okk sync`, `okk check` with a lead's login; the grants are
    // `roles::GRANTS`, given again after every migration): the cards' rows a lead may write, and by
    // the owner's functions the attachment of reviews made before their card arrived (the
    // reviews' policies let no one but their auditor change them) and the rules run's mark.
    r#"
CREATE TABLE crm_notes (
    connection text NOT NULL,
    deal       text NOT NULL,
    note       text NOT NULL,
    at         bigint NOT NULL,
    body       text NOT NULL,
    PRIMARY KEY (connection, deal, note)
);
CREATE TABLE crm_notes_read (
    connection text PRIMARY KEY,
    cursor     bigint
);
CREATE POLICY cards_imported_by_lead ON cards FOR INSERT WITH CHECK (okk_is_lead());
CREATE POLICY cards_changed_by_lead ON cards FOR UPDATE
    USING (okk_is_lead()) WITH CHECK (okk_is_lead());
CREATE FUNCTION okk_attach_reviews() RETURNS bigint LANGUAGE sql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
    WITH attached AS (
        UPDATE reviews r SET card_id = c.id FROM cards c
        WHERE r.card_id IS NULL AND c.source = r.card_source
          AND c.external_id = r.card_external_id
        RETURNING 1)
    SELECT count(*) FROM attached;
$$;
-- The day and funnel the flags were judged for (pg::rules_run), written by a lead's import or
-- check as by the owner's, and nothing else of okk_meta (the schema's version is there).
CREATE FUNCTION okk_mark_rules_run(ran_for text) RETURNS void LANGUAGE sql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
    INSERT INTO okk_meta (key, value) VALUES ('rules_ran_for', ran_for)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
$$;
"#,
    // 7: a draft is the whole review being built (SQLite's migration 19): the checklist
    // answers, the suggestions and the corrections beside the comment.
    r#"
ALTER TABLE drafts
    ADD COLUMN checklist       text NOT NULL DEFAULT '{}',
    ADD COLUMN suggested_stage text,
    ADD COLUMN suggested_owner text,
    ADD COLUMN corrections     text NOT NULL DEFAULT '{}';
"#,
    // 8: what the export said about a card whose stage the CRM only renamed (SQLite's
    // migration 20).
    r#"
ALTER TABLE cards ADD COLUMN IF NOT EXISTS export_digest bigint;
"#,
    // 9: a full sweep stopped half-way, finished by the next sync (SQLite's migration 21): when
    // it began, and the deals it has listed so far.
    r#"
CREATE TABLE IF NOT EXISTS crm_sweep (
    connection text PRIMARY KEY,
    started_at text NOT NULL
);
CREATE TABLE IF NOT EXISTS crm_swept (
    connection text NOT NULL,
    deal       text NOT NULL,
    PRIMARY KEY (connection, deal)
);
"#,
    // 10: the CRM's own order of its pipelines and stages, as each connection's last sync read
    // them (SQLite's migration 22), for `okk funnel init --from-store`.
    r#"
CREATE TABLE IF NOT EXISTS crm_stages (
    connection    text NOT NULL,
    pipeline_id   text NOT NULL,
    pipeline      text NOT NULL,
    pipeline_sort bigint NOT NULL,
    stage_id      text NOT NULL,
    stage         text NOT NULL,
    sort          bigint NOT NULL,
    PRIMARY KEY (connection, pipeline_id, stage_id)
);
"#,
    // 11: when the sync under way began (SQLite's migration 23): written by a run's first
    // transaction, cleared by its last.
    r#"
ALTER TABLE crm_sync ADD COLUMN IF NOT EXISTS run_begun_at text;
"#,
    // 12: a lead's own login merges laptops' bundles (`okk bundle import`), as the owner does:
    // another's signed review or decision goes in (okk has checked its signature against a key
    // the store trusts before it writes), and the merge marks reviews superseded or withdrawn.
    // What a review says stays as its auditor signed it, whoever updates its row.
    r#"
CREATE POLICY reviews_merged_by_lead ON reviews FOR INSERT
    WITH CHECK (okk_is_lead() AND signature IS NOT NULL);
CREATE POLICY reviews_marked_by_lead ON reviews FOR UPDATE
    USING (okk_is_lead()) WITH CHECK (okk_is_lead());
CREATE POLICY decisions_merged_by_lead ON lead_decisions FOR INSERT
    WITH CHECK (okk_is_lead() AND signature IS NOT NULL);
CREATE FUNCTION okk_review_content_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.card_source, NEW.card_external_id, NEW.auditor, NEW.stage, NEW.verdict,
        NEW.checklist, NEW.score, NEW.suggested_stage, NEW.suggested_owner, NEW.corrections,
        NEW.comment, NEW.card_hash, NEW.funnel_fingerprint, NEW.created_at, NEW.seconds_spent)
       IS DISTINCT FROM
       (OLD.card_source, OLD.card_external_id, OLD.auditor, OLD.stage, OLD.verdict,
        OLD.checklist, OLD.score, OLD.suggested_stage, OLD.suggested_owner, OLD.corrections,
        OLD.comment, OLD.card_hash, OLD.funnel_fingerprint, OLD.created_at, OLD.seconds_spent)
    THEN
        RAISE EXCEPTION 'a review says what its auditor signed: it is never changed'
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER reviews_content_fixed BEFORE UPDATE ON reviews
    FOR EACH ROW EXECUTE FUNCTION okk_review_content_fixed();
"#,
    // 13: what each CRM stage means to its pipeline (SQLite's migration 24): 'open', 'won' or
    // 'lost'; NULL where a sync wrote the stage before okk kept it.
    r#"
ALTER TABLE crm_stages ADD COLUMN IF NOT EXISTS semantics text;
"#,
    // 14: the lead's returns that stand, for a claim to find the cards sent back to its
    // auditor (`claims::returned`) from them rather than from every decision or every review
    // of hers: a handful beside a desk's months of decisions.
    r#"
CREATE INDEX lead_decisions_open_returns ON lead_decisions (review_id)
    WHERE decision = 'return' AND withdrawn_at IS NULL;
"#,
    // 15: a review's withdrawal held out by the lead's decisions (SQLite's migration 25): a
    // decision that stands, or one taken back only after the withdrawal was made.
    r#"
ALTER TABLE reviews
    ADD COLUMN IF NOT EXISTS held_withdrawn_at text,
    ADD COLUMN IF NOT EXISTS held_withdrawal_signature text;
"#,
    // 16: how the reader wrote a connection's values when it last read every deal (SQLite's
    // migration 26); NULL: synced before okk kept it (version 0), read whole again.
    r#"
ALTER TABLE crm_sync ADD COLUMN IF NOT EXISTS values_version bigint;
"#,
    // 17: the store's own identity, whatever address reaches it (a tunnel's port, a host name
    // or an IP, another sslmode): the pending journal on an auditor's machine is named by it,
    // so a verdict left waiting is written whichever way the store is opened next.
    r#"
INSERT INTO okk_meta (key, value) VALUES ('store_id', gen_random_uuid()::text)
ON CONFLICT (key) DO NOTHING;
"#,
    // 18: the card as its auditor judged it, kept with the review (SQLite's migration 27,
    // store::as_judged): the column and its signature, the verdict's call that writes it, and
    // the snapshot among what a review's row never changes. IF [NOT] EXISTS and OR REPLACE:
    // tests step a store back by hand and migrate it again.
    r#"
ALTER TABLE reviews
    ADD COLUMN IF NOT EXISTS judged text,
    ADD COLUMN IF NOT EXISTS judged_signature text;
DROP FUNCTION IF EXISTS okk_save_review(text, bigint, text, text, text, text, text, text,
    double precision, text, text, text, text, bigint, text, text, double precision, bigint);
CREATE OR REPLACE FUNCTION okk_save_review(
    in_id text, in_card bigint, in_source text, in_external_id text, in_auditor text,
    in_stage text, in_verdict text, in_checklist text, in_score double precision,
    in_suggested_stage text, in_suggested_owner text, in_corrections text, in_comment text,
    in_card_hash bigint, in_funnel text, in_created_at text, in_seconds double precision,
    in_judged text, in_lock bigint) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('okk.notify_after_commit', 'on', true);
    PERFORM pg_advisory_xact_lock(in_lock);
    PERFORM FROM cards c WHERE c.id = in_card FOR UPDATE;
    IF EXISTS (SELECT 1 FROM reviews r WHERE r.id = in_id) THEN
        RETURN 'known';
    END IF;
    IF EXISTS (SELECT 1 FROM reviews r WHERE r.card_source = in_source
               AND r.card_external_id = in_external_id AND r.auditor = in_auditor) THEN
        RETURN 'earlier';
    END IF;
    INSERT INTO reviews (id, card_id, card_source, card_external_id, auditor, stage, verdict,
        checklist, score, suggested_stage, suggested_owner, corrections, comment, card_hash,
        funnel_fingerprint, created_at, seconds_spent, judged)
    VALUES (in_id, in_card, in_source, in_external_id, in_auditor, in_stage, in_verdict,
        in_checklist, in_score, in_suggested_stage, in_suggested_owner, in_corrections,
        in_comment, in_card_hash, in_funnel, in_created_at, in_seconds, in_judged)
    ON CONFLICT (id) DO NOTHING;
    IF NOT FOUND THEN
        RETURN 'known';
    END IF;
    DELETE FROM drafts d WHERE d.card_id = in_card AND d.auditor = in_auditor;
    DELETE FROM leases l WHERE l.card_id = in_card AND l.auditor = in_auditor;
    RETURN 'saved';
END $$;
CREATE OR REPLACE FUNCTION okk_review_content_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.card_source, NEW.card_external_id, NEW.auditor, NEW.stage, NEW.verdict,
        NEW.checklist, NEW.score, NEW.suggested_stage, NEW.suggested_owner, NEW.corrections,
        NEW.comment, NEW.card_hash, NEW.funnel_fingerprint, NEW.created_at, NEW.seconds_spent,
        NEW.judged, NEW.judged_signature)
       IS DISTINCT FROM
       (OLD.card_source, OLD.card_external_id, OLD.auditor, OLD.stage, OLD.verdict,
        OLD.checklist, OLD.score, OLD.suggested_stage, OLD.suggested_owner, OLD.corrections,
        OLD.comment, OLD.card_hash, OLD.funnel_fingerprint, OLD.created_at, OLD.seconds_spent,
        OLD.judged, OLD.judged_signature)
    THEN
        RAISE EXCEPTION 'a review says what its auditor signed: it is never changed'
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
"#,
    // 19: Pipedrive's deal fields under their labels (SQLite's migration 28): a data migration,
    // `pg::relabel`, run after this text.
    r#"
-- The cards of Pipedrive sources, their sources' custom columns and the field names they free:
-- see store/pg/relabel.rs (RELABEL_PIPEDRIVE).
"#,
    // 20: a lead's login prunes (`okk db prune`, pg::prune) as the owner's does. The grants
    // (`roles::GRANTS`, given again after this migration to roles made before it) let okk_lead
    // delete from the tables a prune empties; these policies let it delete cards and the
    // leases that ran out. The prune must see every card's desk work, and the drafts' policy
    // shows a lead only their own: the cards that carry a draft (their ids, not the drafts'
    // text) come from a function of the owner's that only okk_lead may call. A verdict that
    // waited for its card's lock while a prune took the card out is kept by the card's key
    // (card_id NULL), never under an id a later import may give another card: it attaches when
    // the card comes back (okk_attach_reviews), as on a store file. The owner's functions read
    // the schema's tables only, never a caller's temporary table of the same name (pg_temp last:
    // it is searched first when the path leaves it out). IF EXISTS and OR REPLACE: tests step a
    // store back by hand and migrate it again.
    r#"
CREATE OR REPLACE FUNCTION okk_drafted_cards() RETURNS SETOF bigint LANGUAGE sql STABLE
SECURITY DEFINER ROWS 100 AS $$
    SELECT DISTINCT card_id FROM drafts
$$;
REVOKE EXECUTE ON FUNCTION okk_drafted_cards() FROM PUBLIC;
DROP POLICY IF EXISTS cards_pruned_by_lead ON cards;
CREATE POLICY cards_pruned_by_lead ON cards FOR DELETE USING (okk_is_lead());
DROP POLICY IF EXISTS leases_run_out_pruned_by_lead ON leases;
CREATE POLICY leases_run_out_pruned_by_lead ON leases FOR DELETE
    USING (okk_is_lead() AND until <= now());
DO $$
DECLARE f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['okk_drafted_cards()', 'okk_mark_judged(bigint)',
                             'okk_attach_reviews()', 'okk_mark_rules_run(text)'] LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', f, current_schema());
    END LOOP;
END $$;
-- The card is locked by its key (the id the client read may since name another card, or
-- none); the draft and the lease that end with the verdict are the card's as it is now.
CREATE OR REPLACE FUNCTION okk_save_review(
    in_id text, in_card bigint, in_source text, in_external_id text, in_auditor text,
    in_stage text, in_verdict text, in_checklist text, in_score double precision,
    in_suggested_stage text, in_suggested_owner text, in_corrections text, in_comment text,
    in_card_hash bigint, in_funnel text, in_created_at text, in_seconds double precision,
    in_judged text, in_lock bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    now_card bigint;
BEGIN
    PERFORM set_config('okk.notify_after_commit', 'on', true);
    PERFORM pg_advisory_xact_lock(in_lock);
    SELECT c.id INTO now_card FROM cards c
    WHERE c.source = in_source AND c.external_id = in_external_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM reviews r WHERE r.id = in_id) THEN
        RETURN 'known';
    END IF;
    IF EXISTS (SELECT 1 FROM reviews r WHERE r.card_source = in_source
               AND r.card_external_id = in_external_id AND r.auditor = in_auditor) THEN
        RETURN 'earlier';
    END IF;
    INSERT INTO reviews (id, card_id, card_source, card_external_id, auditor, stage, verdict,
        checklist, score, suggested_stage, suggested_owner, corrections, comment, card_hash,
        funnel_fingerprint, created_at, seconds_spent, judged)
    VALUES (in_id, now_card, in_source, in_external_id, in_auditor, in_stage, in_verdict,
        in_checklist, in_score, in_suggested_stage, in_suggested_owner, in_corrections,
        in_comment, in_card_hash, in_funnel, in_created_at, in_seconds, in_judged)
    ON CONFLICT (id) DO NOTHING;
    IF NOT FOUND THEN
        RETURN 'known';
    END IF;
    DELETE FROM drafts d WHERE d.card_id = now_card AND d.auditor = in_auditor;
    DELETE FROM leases l WHERE l.card_id = now_card AND l.auditor = in_auditor;
    RETURN 'saved';
END $$;
-- Reviews an earlier okk saved under the id of a card a prune had just taken out: waiting by
-- their key, their id's card (another's, if an import gave it the id since) marked again.
CREATE TEMP TABLE okk_dangling ON COMMIT DROP AS
    SELECT r.id, r.card_id FROM reviews r
    WHERE r.card_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.id = r.card_id
                      AND c.source = r.card_source AND c.external_id = r.card_external_id);
UPDATE reviews r SET card_id = NULL FROM okk_dangling d WHERE r.id = d.id;
SELECT okk_mark_judged(card_id) FROM (SELECT DISTINCT card_id FROM okk_dangling) d;
SELECT okk_attach_reviews();
DROP TABLE okk_dangling;
"#,
    // 21: a verdict on a card the store no longer holds is refused ('gone'): the auditor's
    // reviewer says the card was removed and moves on, instead of a review waiting on a card
    // nobody asked for (a late one from a journal still waits by its key: its statement is
    // the client's, pg::desk). The owner's functions an import and a rules run call are the
    // lead's (and the owner's) alone: an auditor attached others' reviews to cards, or marked
    // the flags judged for a day they were not. A lead's prune `--with-work` takes the
    // reviews (with their decisions) and drafts of the cards it removes through
    // okk_release_work, which touches only cards no one holds a live claim on and no
    // calibration samples (the client leaves those cards be). OR REPLACE: tests step a store
    // back by hand and migrate it again.
    r#"
CREATE OR REPLACE FUNCTION okk_save_review(
    in_id text, in_card bigint, in_source text, in_external_id text, in_auditor text,
    in_stage text, in_verdict text, in_checklist text, in_score double precision,
    in_suggested_stage text, in_suggested_owner text, in_corrections text, in_comment text,
    in_card_hash bigint, in_funnel text, in_created_at text, in_seconds double precision,
    in_judged text, in_lock bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    now_card bigint;
BEGIN
    PERFORM set_config('okk.notify_after_commit', 'on', true);
    PERFORM pg_advisory_xact_lock(in_lock);
    SELECT c.id INTO now_card FROM cards c
    WHERE c.source = in_source AND c.external_id = in_external_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM reviews r WHERE r.id = in_id) THEN
        RETURN 'known';
    END IF;
    IF now_card IS NULL THEN
        RETURN 'gone';
    END IF;
    IF EXISTS (SELECT 1 FROM reviews r WHERE r.card_source = in_source
               AND r.card_external_id = in_external_id AND r.auditor = in_auditor) THEN
        RETURN 'earlier';
    END IF;
    INSERT INTO reviews (id, card_id, card_source, card_external_id, auditor, stage, verdict,
        checklist, score, suggested_stage, suggested_owner, corrections, comment, card_hash,
        funnel_fingerprint, created_at, seconds_spent, judged)
    VALUES (in_id, now_card, in_source, in_external_id, in_auditor, in_stage, in_verdict,
        in_checklist, in_score, in_suggested_stage, in_suggested_owner, in_corrections,
        in_comment, in_card_hash, in_funnel, in_created_at, in_seconds, in_judged)
    ON CONFLICT (id) DO NOTHING;
    IF NOT FOUND THEN
        RETURN 'known';
    END IF;
    DELETE FROM drafts d WHERE d.card_id = now_card AND d.auditor = in_auditor;
    DELETE FROM leases l WHERE l.card_id = now_card AND l.auditor = in_auditor;
    RETURN 'saved';
END $$;
REVOKE EXECUTE ON FUNCTION okk_attach_reviews() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION okk_mark_rules_run(text) FROM PUBLIC;
CREATE OR REPLACE FUNCTION okk_release_work(in_cards bigint[], in_dry boolean)
RETURNS TABLE (removed_reviews bigint, removed_decisions bigint, removed_drafts bigint)
LANGUAGE sql SECURITY DEFINER AS $$
    WITH picked AS (
        SELECT c.id, c.source, c.external_id FROM cards c
        WHERE c.id = ANY(in_cards)
          AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.card_id = c.id AND l.until > now())
          AND NOT EXISTS (SELECT 1 FROM calibration_cards k
                          WHERE k.card_source = c.source AND k.card_external_id = c.external_id)),
    work AS (
        SELECT r.id FROM reviews r JOIN picked p
          ON r.card_id = p.id OR (r.card_source = p.source AND r.card_external_id = p.external_id)),
    gone_decisions AS (
        DELETE FROM lead_decisions d WHERE NOT in_dry AND d.review_id IN (SELECT id FROM work)),
    gone_reviews AS (
        DELETE FROM reviews r WHERE NOT in_dry AND r.id IN (SELECT id FROM work)),
    gone_drafts AS (
        DELETE FROM drafts d WHERE NOT in_dry AND d.card_id IN (SELECT id FROM picked))
    SELECT (SELECT count(*) FROM work),
           (SELECT count(*) FROM lead_decisions d WHERE d.review_id IN (SELECT id FROM work)),
           (SELECT count(*) FROM drafts d WHERE d.card_id IN (SELECT id FROM picked));
$$;
REVOKE EXECUTE ON FUNCTION okk_release_work(bigint[], boolean) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format(
        'ALTER FUNCTION okk_release_work(bigint[], boolean) SET search_path = %I, pg_temp',
                   current_schema());
END $$;
"#,
    // 22: a verdict given on the card on screen whose card an import or a sync changed since
    // the screen read it (the card's digest is not the verdict's) is refused ('changed'),
    // nothing written: the reviewer shows the card as it is now, and the auditor judges that.
    // The call is the verdict given now alone: one kept while the server was out of reach, or
    // a late one from a journal, stands on the card as judged (its statement is the client's,
    // pg::desk). OR REPLACE: tests step a store back by hand and migrate it again.
    r#"
CREATE OR REPLACE FUNCTION okk_save_review(
    in_id text, in_card bigint, in_source text, in_external_id text, in_auditor text,
    in_stage text, in_verdict text, in_checklist text, in_score double precision,
    in_suggested_stage text, in_suggested_owner text, in_corrections text, in_comment text,
    in_card_hash bigint, in_funnel text, in_created_at text, in_seconds double precision,
    in_judged text, in_lock bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    now_card bigint;
    now_hash bigint;
BEGIN
    PERFORM set_config('okk.notify_after_commit', 'on', true);
    PERFORM pg_advisory_xact_lock(in_lock);
    SELECT c.id, c.content_hash INTO now_card, now_hash FROM cards c
    WHERE c.source = in_source AND c.external_id = in_external_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM reviews r WHERE r.id = in_id) THEN
        RETURN 'known';
    END IF;
    IF now_card IS NULL THEN
        RETURN 'gone';
    END IF;
    IF now_hash IS DISTINCT FROM in_card_hash THEN
        RETURN 'changed';
    END IF;
    IF EXISTS (SELECT 1 FROM reviews r WHERE r.card_source = in_source
               AND r.card_external_id = in_external_id AND r.auditor = in_auditor) THEN
        RETURN 'earlier';
    END IF;
    INSERT INTO reviews (id, card_id, card_source, card_external_id, auditor, stage, verdict,
        checklist, score, suggested_stage, suggested_owner, corrections, comment, card_hash,
        funnel_fingerprint, created_at, seconds_spent, judged)
    VALUES (in_id, now_card, in_source, in_external_id, in_auditor, in_stage, in_verdict,
        in_checklist, in_score, in_suggested_stage, in_suggested_owner, in_corrections,
        in_comment, in_card_hash, in_funnel, in_created_at, in_seconds, in_judged)
    ON CONFLICT (id) DO NOTHING;
    IF NOT FOUND THEN
        RETURN 'known';
    END IF;
    DELETE FROM drafts d WHERE d.card_id = now_card AND d.auditor = in_auditor;
    DELETE FROM leases l WHERE l.card_id = now_card AND l.auditor = in_auditor;
    RETURN 'saved';
END $$;
"#,
    // 23: the lead ends a calibration (SQLite's migration 29, `okk calibrate end`): when and by
    // whom, and the ender's signature of an end that came in a bundle. An ended calibration's
    // cards leave its auditors' queues, and a prune `--with-work` may release them:
    // okk_release_work leaves only the cards an open calibration samples. The grants already
    // let a lead's login update calibrations, an auditor's none. IF NOT EXISTS and OR REPLACE:
    // tests step a store back by hand and migrate it again.
    r#"
ALTER TABLE calibrations ADD COLUMN IF NOT EXISTS ended_at text COLLATE "C";
ALTER TABLE calibrations ADD COLUMN IF NOT EXISTS ended_by text;
ALTER TABLE calibrations ADD COLUMN IF NOT EXISTS end_signature text;
CREATE OR REPLACE FUNCTION okk_release_work(in_cards bigint[], in_dry boolean)
RETURNS TABLE (removed_reviews bigint, removed_decisions bigint, removed_drafts bigint)
LANGUAGE sql SECURITY DEFINER AS $$
    WITH picked AS (
        SELECT c.id, c.source, c.external_id FROM cards c
        WHERE c.id = ANY(in_cards)
          AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.card_id = c.id AND l.until > now())
          AND NOT EXISTS (SELECT 1 FROM calibration_cards k
                          JOIN calibrations m ON m.id = k.calibration_id
                          WHERE k.card_source = c.source AND k.card_external_id = c.external_id
                            AND m.ended_at IS NULL)),
    work AS (
        SELECT r.id FROM reviews r JOIN picked p
          ON r.card_id = p.id OR (r.card_source = p.source AND r.card_external_id = p.external_id)),
    gone_decisions AS (
        DELETE FROM lead_decisions d WHERE NOT in_dry AND d.review_id IN (SELECT id FROM work)),
    gone_reviews AS (
        DELETE FROM reviews r WHERE NOT in_dry AND r.id IN (SELECT id FROM work)),
    gone_drafts AS (
        DELETE FROM drafts d WHERE NOT in_dry AND d.card_id IN (SELECT id FROM picked))
    SELECT (SELECT count(*) FROM work),
           (SELECT count(*) FROM lead_decisions d WHERE d.review_id IN (SELECT id FROM work)),
           (SELECT count(*) FROM drafts d WHERE d.card_id IN (SELECT id FROM picked));
$$;
REVOKE EXECUTE ON FUNCTION okk_release_work(bigint[], boolean) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format(
        'ALTER FUNCTION okk_release_work(bigint[], boolean) SET search_path = %I, pg_temp',
                   current_schema());
END $$;
"#,
    // 24: each stage's figures kept (SQLite's `stage_counts`), so that the funnel screen does
    // not count a million cards per stage each time it shows (9.7 s on the server): cards per
    // CRM stage, how many are flagged, of those not gone and of those open. Whatever writes
    // cards or standings (an import, a sync, a rules run, a prune, a copy, psql) marks them
    // stale by a statement trigger: a row in `stage_counts_stale`, inserted, never updated, so
    // no writer waits on another for it. `okk_stage_counts()` answers from the kept figures
    // while no such row stands; else it counts them again and keeps them (it deletes the
    // stale rows it saw before it counts: a writer committing meanwhile leaves its row, and
    // the next call counts again), or only counts while another call is keeping them or in a
    // read-only transaction. The writers that count anyway call it as they commit. IF NOT
    // EXISTS and OR REPLACE: tests step a store back by hand and migrate it again.
    r#"
CREATE TABLE IF NOT EXISTS stage_counts (
    stage        text COLLATE "C" PRIMARY KEY,
    cards        bigint NOT NULL,
    flagged      bigint NOT NULL,
    live         bigint NOT NULL,
    live_flagged bigint NOT NULL,
    open         bigint NOT NULL,
    open_flagged bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS stage_counts_stale (
    marked_at timestamptz NOT NULL DEFAULT now()
);
-- One row a transaction (`okk.stage_counts_stale`, local to it, says it wrote one): an import
-- sends its cards in many statements.
CREATE OR REPLACE FUNCTION okk_stage_counts_stale() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER AS $$
BEGIN
    IF coalesce(current_setting('okk.stage_counts_stale', true), '') <> 'marked' THEN
        INSERT INTO stage_counts_stale DEFAULT VALUES;
        PERFORM set_config('okk.stage_counts_stale', 'marked', true);
    END IF;
    RETURN NULL;
END $$;
-- The verdict's `judged` mark writes neither trigger's columns: a verdict leaves them kept.
DROP TRIGGER IF EXISTS cards_stage_counts ON cards;
DROP TRIGGER IF EXISTS standings_stage_counts ON standings;
CREATE TRIGGER cards_stage_counts AFTER INSERT OR DELETE OR TRUNCATE
    OR UPDATE OF stage, gone_at, closed, closed_at ON cards
    FOR EACH STATEMENT EXECUTE FUNCTION okk_stage_counts_stale();
CREATE TRIGGER standings_stage_counts AFTER INSERT OR DELETE OR TRUNCATE
    OR UPDATE OF card_id ON standings
    FOR EACH STATEMENT EXECUTE FUNCTION okk_stage_counts_stale();
-- Counted as the queue counts: a card is flagged when it has a standing.
CREATE OR REPLACE FUNCTION okk_stage_counts_counted() RETURNS SETOF stage_counts LANGUAGE sql STABLE AS $$
    SELECT c.stage, count(*), count(s.card_id),
           count(*) FILTER (WHERE c.gone_at IS NULL),
           count(s.card_id) FILTER (WHERE c.gone_at IS NULL),
           count(*) FILTER (WHERE c.gone_at IS NULL AND coalesce(c.closed, 0) = 0
                            AND c.closed_at IS NULL),
           count(s.card_id) FILTER (WHERE c.gone_at IS NULL AND coalesce(c.closed, 0) = 0
                                    AND c.closed_at IS NULL)
    FROM cards c LEFT JOIN standings s ON s.card_id = c.id
    GROUP BY c.stage
$$;
CREATE OR REPLACE FUNCTION okk_stage_counts() RETURNS SETOF stage_counts LANGUAGE plpgsql
SECURITY DEFINER AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM stage_counts_stale) THEN
        RETURN QUERY SELECT * FROM stage_counts;
        RETURN;
    END IF;
    IF current_setting('transaction_read_only') = 'on'
       OR NOT pg_try_advisory_xact_lock(hashtext('okk stage_counts')) THEN
        RETURN QUERY SELECT * FROM okk_stage_counts_counted();
        RETURN;
    END IF;
    DELETE FROM stage_counts_stale;
    PERFORM set_config('okk.stage_counts_stale', '', true);
    DELETE FROM stage_counts;
    INSERT INTO stage_counts SELECT * FROM okk_stage_counts_counted();
    RETURN QUERY SELECT * FROM stage_counts;
END $$;
-- The figures each card gives the funnel's count of the reviews (`pg::stage_counts`), read
-- from this index alone: the reviews' cards found without reading a million cards' rows
-- (1.8 s of the funnel screen's start, 3.6 s before it, on a loaded machine).
CREATE INDEX IF NOT EXISTS cards_figures ON cards (id)
    INCLUDE (stage, content_hash, gone_at, closed, closed_at);
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION okk_stage_counts_stale() SET search_path = %I, pg_temp',
                   current_schema());
    EXECUTE format('ALTER FUNCTION okk_stage_counts() SET search_path = %I, pg_temp',
                   current_schema());
END $$;
-- A trigger's alone (a statement calling it is refused anyway).
REVOKE EXECUTE ON FUNCTION okk_stage_counts_stale() FROM PUBLIC;
INSERT INTO stage_counts_stale DEFAULT VALUES;
SELECT count(*) FROM okk_stage_counts();
"#,
];

/// The migration after whose text `pg::relabel` moves Pipedrive's old field names.
pub const RELABEL_PIPEDRIVE: usize = 19;

/// The store's identity (migration 17); `None` on a store not migrated to it.
pub(super) fn store_id(conn: &mut impl GenericClient) -> Result<Option<String>, postgres::Error> {
    let row = conn.query_opt("SELECT value FROM okk_meta WHERE key = 'store_id'", &[])?;
    Ok(row.map(|r| r.get(0)))
}

pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// The version `okk_meta` holds; `None` when the database has no okk mark.
pub(super) fn version(conn: &mut impl GenericClient) -> Result<Option<i64>, postgres::Error> {
    let marked: bool = conn
        .query_one("SELECT to_regclass('okk_meta') IS NOT NULL", &[])?
        .get(0);
    if !marked {
        return Ok(None);
    }
    let row = conn.query_opt(
        "SELECT value FROM okk_meta WHERE key = 'schema_version'",
        &[],
    )?;
    Ok(row.and_then(|r| r.get::<_, String>(0).parse().ok()))
}

/// Brings the database to [`latest`], refusing a newer one and a foreign one first.
pub(super) fn migrate(store: &PgStore) -> Result<(), StoreError> {
    let mut conn = store.conn.borrow_mut();
    let newer = |found| StoreError::NewerSchema {
        path: store.shown.clone(),
        found,
        known: latest(),
    };
    // Read-only checks first, without the lock: an up-to-date store is the common case.
    if let Some(v) = version(&mut *conn)? {
        if v > latest() {
            return Err(newer(v));
        }
        if v == latest() {
            return Ok(());
        }
    }
    let mut tx = conn.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    let found = version(&mut tx)?;
    let from = match found {
        Some(v) if v > latest() => return Err(newer(v)),
        Some(v) => v,
        None => {
            let tables: i64 = tx
                .query_one(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()",
                    &[],
                )?
                .get(0);
            if tables > 0 {
                return Err(StoreError::NotOkk {
                    path: store.shown.clone(),
                });
            }
            tx.batch_execute(
                "CREATE TABLE okk_meta (key text PRIMARY KEY, value text NOT NULL);
                 INSERT INTO okk_meta VALUES ('app', 'okk'), ('schema_version', '0');",
            )?;
            0
        }
    };
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        tx.batch_execute(sql)?;
        if i + 1 == RELABEL_PIPEDRIVE {
            super::relabel::migrate(&mut tx)?;
        }
    }
    tx.execute(
        "UPDATE okk_meta SET value = $1 WHERE key = 'schema_version'",
        &[&latest().to_string()],
    )?;
    super::roles::regrant(&mut tx)?;
    tx.commit()?;
    Ok(())
}
