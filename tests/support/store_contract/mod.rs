//! The contract every store backend passes, written against the domain's ports alone
//! (`okk::domain::ports`): a backend plugs in with one `store_contract!(its factory)` line in
//! tests/store_contract.rs. What a backend must do to be set up (cards, flags, a newer schema)
//! is the factory's, through [`Backend`]; every assertion goes through the ports.

pub mod postgres;
pub mod sqlite;
pub mod stories;

use okk::domain::crm_stage::CrmStage;
use okk::domain::flag::Severity;
use okk::domain::ports::{DeskStore, PruneStore, StoreError};

/// A card a story starts from, in the stage the stories use ([`STAGE`]) unless it says another.
#[derive(Debug, Clone, Copy)]
pub struct Seed {
    pub id: &'static str,
    /// The card's stage as the CRM names it ([`STAGE`], or [`OTHER_STAGE`] for the stories of
    /// two stages).
    pub stage: &'static str,
    /// The day of the card's last activity, in November 2026.
    pub touched_day: u32,
    /// The flags the rules gave it, by severity.
    pub flags: &'static [Severity],
    /// The deal is closed (on its last day of activity); else open.
    pub closed: bool,
    /// The deal's owner.
    pub owner: &'static str,
    /// The deal's custom field «Дата встречи в офисе продаж», if filled (the export has the
    /// column only when a seed fills it).
    pub meeting: Option<&'static str>,
}

/// A note as a CRM keeps it: its id, when it was written (Unix seconds), its text.
pub type CrmNote = (&'static str, i64, &'static str);

/// The stage the seeded cards are in, as the CRM names it.
pub const STAGE: &str = "Квалификация";

/// A second stage, for the stories where an auditor works on two.
pub const OTHER_STAGE: &str = "Встреча назначена";

/// A backend under test: makes stores holding seeded cards, and opens them again.
pub trait Backend {
    type Handle;

    /// Whether the backend can run here (a server backend without a server says it skipped).
    fn available(&self) -> bool {
        true
    }

    /// A new store holding `cards` (in their stages, of one source) with their flags.
    fn seeded(&self, cards: &[Seed]) -> Self::Handle;

    /// A later export of `source` (`None`: the seeded cards' own) holding `cards`, imported as
    /// `okk import` imports it: a card whose values differ is changed, and the cards of the
    /// source it leaves out are gone. Every card's flags are then the ones its latest seed
    /// names (a gone card's, none).
    fn import(&self, store: &Self::Handle, source: Option<&str>, cards: &[Seed]);

    /// The CRM of `source` deleted the deals `ids`, and a sync heard it: their cards are gone.
    fn deleted_in_crm(&self, store: &Self::Handle, source: &str, ids: &[&str]);

    /// A sync of `source` read the deal `deal`'s notes, all of them: (note id, Unix time,
    /// text); its card shows them.
    fn notes_in_crm(&self, store: &Self::Handle, source: &str, deal: &str, notes: &[CrmNote]);

    /// A sync of `source` read its CRM's pipelines and stages: `stages`.
    fn stages_in_crm(&self, store: &Self::Handle, source: &str, stages: &[CrmStage]);

    /// Opens the store again, as a new process would (what the last one committed is there).
    fn open(&self, store: &Self::Handle) -> Result<Box<dyn DeskStore>, StoreError>;

    /// Marks the store as made by an okk newer than this one.
    fn make_newer(&self, store: &Self::Handle);

    /// Opens the store again for `okk db imports` and `okk db prune`, as its owner would.
    fn open_prune(&self, store: &Self::Handle) -> Result<Box<dyn PruneStore>, StoreError>;
}

/// The contract's stories as tests, for one backend: `store_contract!(Factory)` in a module.
#[macro_export]
macro_rules! store_contract {
    ($backend:expr) => {
        #[test]
        fn the_queue_lists_critical_cards_first_then_flagged_then_the_longest_idle_then_by_id() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::queue_order(&backend);
            }
        }
        #[test]
        fn a_stages_figures_follow_every_write_of_its_cards_and_are_its_queues_length() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::stage_figures_follow_every_write(&backend);
            }
        }
        #[test]
        fn paging_through_a_queue_lists_every_card_once_and_the_counts_agree() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::paging_and_counts(&backend);
            }
        }
        #[test]
        fn a_verdict_saved_is_read_back_and_survives_reopening_the_store() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::verdict_survives_reopen(&backend);
            }
        }
        #[test]
        fn a_verdict_saved_twice_under_one_id_is_written_once_and_undo_restores_the_last() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::verdict_at_most_once_and_undo(&backend);
            }
        }
        #[test]
        fn a_skipped_card_stays_in_the_queue_with_its_draft() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::skip_keeps_card_and_draft(&backend);
            }
        }
        #[test]
        fn a_draft_follows_the_card_and_its_verdict_takes_it() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::verdict_takes_the_draft(&backend);
            }
        }
        #[test]
        fn a_verdict_kept_pending_by_a_reviewer_that_died_is_written_on_replay() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::pending_replay(&backend);
            }
        }
        #[test]
        fn a_verdict_left_mid_write_is_finished_when_whole_and_named_when_torn() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::pending_left_mid_write(&backend);
            }
        }
        #[test]
        fn a_verdict_taken_back_while_pending_stands_nowhere_once_replayed() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::pending_taken_back(&backend);
            }
        }
        #[test]
        fn the_leads_accept_override_and_return_stand_and_settle_the_final_word() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::lead_decisions(&backend);
            }
        }
        #[test]
        fn a_leads_decision_stands_over_a_later_review_until_the_lead_decides_again() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::lead_decision_stands_over_a_later_review(&backend);
            }
        }
        #[test]
        fn an_auditor_s_undo_of_a_verdict_the_lead_decided_is_refused() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::undo_of_a_decided_verdict_is_refused(&backend);
            }
        }
        #[test]
        fn a_calibration_hands_its_cards_first_to_the_auditors_it_names() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::calibration_handout(&backend);
            }
        }
        #[test]
        fn two_auditors_claiming_at_once_never_get_one_card_and_every_card_is_claimed_once() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::claims_never_overlap(&backend);
            }
        }
        #[test]
        fn claiming_again_returns_the_auditors_unexpired_claims_first() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::claims_held_first(&backend);
            }
        }
        #[test]
        fn a_judged_card_sent_back_or_withdrawn_is_handed_out_again() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::judged_card_sent_back_or_withdrawn_is_handed_out_again(
                    &backend,
                );
            }
        }
        #[test]
        fn a_card_sent_back_goes_to_its_own_auditor_first_and_to_nobody_else() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::a_card_sent_back_goes_to_its_own_auditor_alone(&backend);
            }
        }
        #[test]
        fn an_undo_takes_the_card_back_for_its_auditor_unless_another_holds_it() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::undo_takes_the_card_back_unless_another_holds_it(
                    &backend,
                );
            }
        }
        #[test]
        fn a_card_another_auditor_holds_leaves_her_queue_as_no_claim_hands_it_out() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::a_card_another_holds_leaves_her_queue_as_no_claim_hands_it_out(
                    &backend,
                );
            }
        }
        #[test]
        fn a_shared_queue_counts_the_cards_a_claim_may_still_hand_out() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::claimable_counts_what_a_claim_may_still_hand_out(
                    &backend,
                );
            }
        }
        #[test]
        fn a_claim_holds_only_what_it_hands_out_and_leaves_her_other_stages_claims_alone() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::claim_holds_only_what_it_hands_out(&backend);
            }
        }
        #[test]
        fn an_auditors_claims_are_given_back_by_stage_or_all_at_once() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::claims_given_back_by_stage(&backend);
            }
        }
        #[test]
        fn an_expired_or_released_claim_returns_the_card_to_the_queue() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::expired_claim_returns(&backend);
            }
        }
        #[test]
        fn an_ended_calibration_hands_nothing_first_and_reads_its_reviews_as_at_its_end() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::calibration_ended(&backend);
            }
        }
        #[test]
        fn a_prune_keeps_an_open_calibration_s_cards_and_names_it_an_ended_one_s_it_takes() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::prune_after_a_calibration_ends(&backend);
            }
        }
        #[test]
        fn a_calibration_card_changed_between_its_auditors_reviews_goes_back_first_to_who_judged_the_old() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::calibration_judged_again(&backend);
            }
        }
        #[test]
        fn calibration_cards_are_handed_to_every_auditor_listed_never_held() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::calibration_not_held(&backend);
            }
        }
        #[test]
        fn the_stats_count_each_card_judged_once_by_the_verdict_that_stands() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::stats_count_each_card_once(&backend);
            }
        }
        #[test]
        fn fill_rates_count_every_card_and_read_no_field_kept_where_none_is() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::fill_rows_of_cards_without_fields(&backend);
            }
        }
        #[test]
        fn her_judged_cards_are_her_current_verdicts_as_the_queue_keeps_them() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::judged_lists_her_current_verdicts(&backend);
            }
        }
        #[test]
        fn the_cards_others_hold_are_listed_as_the_queue_read_whole_marks_them() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::held_by_others_as_the_queue_marks_them(&backend);
            }
        }
        #[test]
        fn the_cards_other_auditors_judged_are_said_with_who() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::judged_by_others_says_whose(&backend);
            }
        }
        #[test]
        fn a_queue_filtered_by_source_keeps_that_source_s_cards_alone() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::a_queue_keeps_the_sources_asked(&backend);
            }
        }
        #[test]
        fn the_owners_of_a_source_are_those_its_own_cards_name() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::owners_of_a_source_are_its_own_cards_owners(&backend);
            }
        }
        #[test]
        fn several_sources_counts_every_source_the_store_holds_gone_or_not() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::several_sources_counts_every_source_in_the_store(
                    &backend,
                );
            }
        }
        #[test]
        fn a_synced_card_s_notes_read_with_the_times_the_crm_wrote_them() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::synced_notes_read_with_their_times(&backend);
            }
        }
        #[test]
        fn the_desk_reads_the_crm_s_stages_a_sync_kept_and_marks_by_them() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::the_desk_reads_the_crms_stages(&backend);
            }
        }
        #[test]
        fn a_verdict_keeps_the_card_as_judged_and_tells_what_a_later_import_changed() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::the_card_as_judged_tells_what_an_import_changed(
                    &backend,
                );
            }
        }
        #[test]
        fn a_verdict_given_on_a_card_an_import_changed_since_it_was_read_is_refused() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::a_verdict_on_a_card_changed_since_read_is_refused(
                    &backend,
                );
            }
        }
        #[test]
        fn a_leads_decision_given_on_a_card_an_import_changed_since_it_was_drawn_is_refused() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::a_leads_decision_on_a_card_changed_since_drawn_is_refused(
                    &backend,
                );
            }
        }
        #[test]
        fn a_mistaken_import_pruned_leaves_the_store_as_before_it() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::a_mistaken_import_pruned_leaves_the_store_as_before_it(
                    &backend,
                );
            }
        }
        #[test]
        fn a_pruned_source_s_cards_with_desk_work_stay_and_the_report_says_why() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::a_pruned_source_keeps_its_cards_with_desk_work(&backend);
            }
        }
        #[test]
        fn a_window_of_days_that_holds_no_review_counts_those_it_leaves_out() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::a_window_of_no_review_counts_those_it_leaves_out(
                    &backend,
                );
            }
        }
        #[test]
        fn the_estimates_strata_are_the_open_cards_flagged_now_and_not() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::estimate_strata_open_cards(&backend);
            }
        }
        #[test]
        fn a_store_made_by_a_newer_okk_is_refused() {
            let backend = $backend;
            if $crate::contract::Backend::available(&backend) {
                $crate::contract::stories::newer_schema_refused(&backend);
            }
        }
    };
}
