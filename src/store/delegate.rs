//! The domain's ports on a store type whose own methods answer them (the SQLite `Store` and
//! the PostgreSQL `PgStore` alike): ids converted at this edge, written once for both.

/// Implements `QueueStore`, `ReviewStore` (its common part, then the backend's own methods
/// given in braces), `LeadStore`, `StatsStore` and `CalibrationStore` for `$store` by its
/// inherent methods of the same names.
macro_rules! desk_ports {
    ($store:ident, { $($review_own:tt)* }) => {
        impl $crate::domain::ports::QueueStore for $store {
            fn crm_stage_names(&self) -> $crate::domain::ports::StoreResult<Vec<String>> {
                $store::crm_stage_names(self)
            }

            fn reviewed_stages(&self) -> $crate::domain::ports::StoreResult<Vec<(String, u64)>> {
                $store::reviewed_stages(self)
            }

            fn queue(
                &self,
                q: &$crate::domain::queue::QueueQuery<'_>,
            ) -> $crate::domain::ports::StoreResult<Vec<$crate::domain::queue::QueueEntry>> {
                $store::queue(self, q)
            }

            fn queue_counts(
                &self,
                q: &$crate::domain::queue::QueueQuery<'_>,
            ) -> $crate::domain::ports::StoreResult<$crate::domain::queue::QueueCounts> {
                $store::queue_counts(self, q)
            }

            fn queue_counts_many(
                &self,
                qs: &[$crate::domain::queue::QueueQuery<'_>],
            ) -> $crate::domain::ports::StoreResult<Vec<$crate::domain::queue::QueueCounts>> {
                $store::queue_counts_many(self, qs)
            }

            fn missing_cards(
                &self,
                cards: &[$crate::domain::queue::CardKey<'_>],
            ) -> $crate::domain::ports::StoreResult<Vec<$crate::domain::ids::CardId>> {
                $store::missing_cards(self, cards)
            }

            fn judged(
                &self,
                q: &$crate::domain::queue::QueueQuery<'_>,
            ) -> $crate::domain::ports::StoreResult<$crate::domain::queue::JudgedList> {
                $store::judged(self, q)
            }

            fn held_by_others(
                &self,
                q: &$crate::domain::queue::QueueQuery<'_>,
            ) -> $crate::domain::ports::StoreResult<$crate::domain::queue::JudgedList> {
                $store::held_by_others(self, q)
            }

            fn judged_by_others(
                &self,
                q: &$crate::domain::queue::QueueQuery<'_>,
            ) -> $crate::domain::ports::StoreResult<Vec<$crate::domain::queue::JudgedByOthers>>
            {
                $store::judged_by_others(self, q)
            }

            fn several_sources(&self) -> $crate::domain::ports::StoreResult<bool> {
                $store::several_sources(self)
            }

            fn sources(&self) -> $crate::domain::ports::StoreResult<Vec<String>> {
                $store::sources(self)
            }

            fn claim(
                &mut self,
                q: &$crate::domain::queue::QueueQuery<'_>,
                n: usize,
                lease: std::time::Duration,
            ) -> $crate::domain::ports::StoreResult<Vec<$crate::domain::queue::QueueEntry>> {
                $store::claim(self, q, n, lease)
            }

            fn claim_returned(
                &mut self,
                q: &$crate::domain::queue::QueueQuery<'_>,
                lease: std::time::Duration,
                except: &[$crate::domain::ids::CardId],
            ) -> $crate::domain::ports::StoreResult<Vec<$crate::domain::queue::QueueEntry>> {
                let ids: Vec<i64> = except.iter().map(|c| c.0).collect();
                $store::claim_returned(self, q, lease, &ids)
            }

            fn claimable(
                &self,
                q: &$crate::domain::queue::QueueQuery<'_>,
                except: &[$crate::domain::ids::CardId],
            ) -> $crate::domain::ports::StoreResult<u64> {
                let ids: Vec<i64> = except.iter().map(|c| c.0).collect();
                $store::claimable(self, q, &ids)
            }

            fn release(
                &mut self,
                card: $crate::domain::ids::CardId,
                auditor: &str,
            ) -> $crate::domain::ports::StoreResult<()> {
                $store::release(self, card.0, auditor)
            }

            fn release_claims(
                &mut self,
                auditor: &str,
                crm_stages: Option<&[String]>,
            ) -> $crate::domain::ports::StoreResult<u64> {
                $store::release_claims(self, auditor, crm_stages)
            }

            fn renew(
                &mut self,
                auditor: &str,
                cards: &[$crate::domain::ids::CardId],
                lease: std::time::Duration,
            ) -> $crate::domain::ports::StoreResult<()> {
                let ids: Vec<i64> = cards.iter().map(|c| c.0).collect();
                $store::renew(self, auditor, &ids, lease)
            }

            fn reclaim(
                &mut self,
                card: $crate::domain::ids::CardId,
                auditor: &str,
                lease: std::time::Duration,
            ) -> $crate::domain::ports::StoreResult<$crate::domain::queue::Reclaimed> {
                $store::reclaim(self, card.0, auditor, lease)
            }
        }

        impl $crate::domain::ports::ReviewStore for $store {
            fn card_detail(
                &self,
                card: $crate::domain::ids::CardId,
            ) -> $crate::domain::ports::StoreResult<Option<$crate::domain::card_detail::CardDetail>>
            {
                $store::card_detail(self, card.0)
            }

            fn current_review(
                &self,
                card: $crate::domain::ids::CardId,
                auditor: &str,
            ) -> $crate::domain::ports::StoreResult<
                Option<$crate::domain::stored_review::StoredReview>,
            > {
                $store::current_review(self, card.0, auditor)
            }

            fn others_reviews(
                &self,
                card: $crate::domain::ids::CardId,
                auditor: &str,
            ) -> $crate::domain::ports::StoreResult<
                Vec<$crate::domain::others_review::OthersReview>,
            > {
                $store::others_reviews(self, card.0, auditor)
            }

            fn save_review(
                &mut self,
                p: &$crate::domain::pending::PendingReview,
                given: $crate::domain::stored_review::Given,
            ) -> $crate::domain::ports::StoreResult<()> {
                self.save_review_as(&p.id, &p.card, &p.review, &p.stamp(), given)
            }

            fn withdraw_review(
                &mut self,
                id: &str,
                now: chrono::NaiveDateTime,
            ) -> $crate::domain::ports::StoreResult<()> {
                $store::withdraw_review(self, id, now)
            }

            fn draft(
                &self,
                card: $crate::domain::ids::CardId,
                auditor: &str,
            ) -> $crate::domain::ports::StoreResult<Option<$crate::domain::review::ReviewDraft>>
            {
                $store::draft(self, card.0, auditor)
            }

            fn drafted(
                &self,
                auditor: &str,
            ) -> $crate::domain::ports::StoreResult<Vec<$crate::domain::ids::CardId>> {
                Ok($store::drafted(self, auditor)?
                    .into_iter()
                    .map($crate::domain::ids::CardId)
                    .collect())
            }

            fn save_draft(
                &mut self,
                card: $crate::domain::ids::CardId,
                auditor: &str,
                draft: &$crate::domain::review::ReviewDraft,
                now: chrono::NaiveDateTime,
            ) -> $crate::domain::ports::StoreResult<()> {
                $store::save_draft(self, card.0, auditor, draft, now)
            }

            fn owners(&self) -> $crate::domain::ports::StoreResult<Vec<String>> {
                $store::owners(self)
            }

            fn owners_of(
                &self,
                source: &str,
            ) -> $crate::domain::ports::StoreResult<Vec<String>> {
                $store::owners_of(self, source)
            }

            $($review_own)*
        }

        impl $crate::domain::ports::LeadStore for $store {
            fn lead_rows(
                &self,
            ) -> $crate::domain::ports::StoreResult<Vec<$crate::domain::lead_row::LeadRow>> {
                $store::lead_rows(self)
            }

            fn latest_decision(
                &self,
                review_id: &str,
            ) -> $crate::domain::ports::StoreResult<Option<$crate::domain::decision::LeadDecision>>
            {
                $store::latest_decision(self, review_id)
            }

            fn settled(
                &self,
                source: &str,
                external_id: &str,
            ) -> $crate::domain::ports::StoreResult<Option<$crate::domain::settled::Settled>> {
                $store::settled_card(self, source, external_id)
            }

            fn decide(
                &mut self,
                review_id: &str,
                lead: &str,
                decision: &$crate::domain::decision::Decision,
                now: chrono::NaiveDateTime,
            ) -> $crate::domain::ports::StoreResult<String> {
                $store::decide(self, review_id, lead, decision, now)
            }

            fn decide_as_seen(
                &mut self,
                review_id: &str,
                lead: &str,
                decision: &$crate::domain::decision::Decision,
                seen: i64,
                now: chrono::NaiveDateTime,
            ) -> $crate::domain::ports::StoreResult<String> {
                $store::decide_as_seen(self, review_id, lead, decision, seen, now)
            }

            fn withdraw_decision(
                &mut self,
                id: &str,
                now: chrono::NaiveDateTime,
            ) -> $crate::domain::ports::StoreResult<()> {
                $store::withdraw_decision(self, id, now)
            }
        }

        impl $crate::domain::ports::StatsStore for $store {
            fn stats_figures(
                &self,
                funnel: &$crate::domain::Funnel,
                today: chrono::NaiveDate,
                window: $crate::domain::analytics::Window,
            ) -> $crate::domain::ports::StoreResult<$crate::domain::analytics::StatsFigures> {
                $store::stats_figures(self, funnel, today, window)
            }

            fn reviews_per_day(
                &self,
                first: chrono::NaiveDate,
                last: chrono::NaiveDate,
            ) -> $crate::domain::ports::StoreResult<Vec<u64>> {
                $store::reviews_per_day(self, first, last)
            }

            fn review_facts(
                &self,
            ) -> $crate::domain::ports::StoreResult<Vec<$crate::domain::auditors::ReviewFact>> {
                $store::review_facts(self)
            }

            fn fill_rows(
                &self,
                funnel: &$crate::domain::Funnel,
            ) -> $crate::domain::ports::StoreResult<Vec<$crate::domain::fill::FillRow>> {
                $store::fill_rows(self, funnel)
            }
        }

        impl $crate::domain::ports::CalibrationStore for $store {
            fn calibration_pool(
                &self,
                crm_stages: &[String],
                closed_stage: bool,
            ) -> $crate::domain::ports::StoreResult<Vec<$crate::domain::calibration::CardKey>> {
                $store::calibration_pool(self, crm_stages, closed_stage)
            }

            fn save_calibration(
                &mut self,
                c: &$crate::domain::calibration::Calibration,
            ) -> $crate::domain::ports::StoreResult<bool> {
                $store::save_calibration(self, c)
            }

            fn calibrations(
                &self,
            ) -> $crate::domain::ports::StoreResult<Vec<$crate::domain::calibration::Calibration>>
            {
                $store::calibrations(self)
            }

            fn calibration_judgements(
                &self,
                c: &$crate::domain::calibration::Calibration,
            ) -> $crate::domain::ports::StoreResult<(
                Vec<$crate::domain::calibration::Judgement>,
                Vec<$crate::domain::calibration::Reference>,
            )> {
                $store::calibration_judgements(self, c)
            }

            fn calibration_cards_now(
                &self,
                c: &$crate::domain::calibration::Calibration,
            ) -> $crate::domain::ports::StoreResult<Vec<$crate::domain::judge_again::CardNow>> {
                $store::calibration_cards_now(self, c)
            }

            fn end_calibration(
                &mut self,
                id: &str,
                end: &$crate::domain::calibration::Ended,
            ) -> $crate::domain::ports::StoreResult<bool> {
                $store::end_calibration(self, id, end)
            }
        }
    };
}

pub(crate) use desk_ports;
