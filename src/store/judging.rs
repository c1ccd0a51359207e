//! The rules run's pass over every card: the connection's thread reads chunks of cards and
//! writes the judged ones back, while judge threads (one per core) parse and judge them.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use super::fields::FieldNames;
use super::flag_write::{FlagWriter, Judged, JudgedFlag};
use super::read::RawCard;
use super::run_summary::RunSummary;
use super::{Store, StoreError};
use crate::domain::flag::Flag;
use crate::domain::{Card, CardContext};

/// Cards are read, judged and written back this many at a time.
const CHUNK: i64 = 4096;

/// The chunks the judges take their next one from.
type Queue = Arc<Mutex<Receiver<Vec<RawCard>>>>;

/// Judges chunks until the queue ends: parsing (JSON, dates) and judging (stemming) cost more
/// than reading, so they happen here, off the connection's thread.
fn judge_chunks(
    chunks: &Queue,
    to_write: &SyncSender<Vec<Judged>>,
    names: &FieldNames,
    judge: &(impl Fn(&Card, &CardContext) -> Vec<Flag> + Sync),
) -> RunSummary {
    let mut summary = RunSummary::default();
    // The lock is poisoned only if another judge panicked; its panic is raised by the caller.
    while let Ok(Ok(chunk)) = chunks.lock().map(|r| r.recv()) {
        let out = chunk
            .into_iter()
            .map(|raw| {
                let (card, ctx) = raw.parse(names);
                let flags: Vec<JudgedFlag> = judge(&card, &ctx)
                    .into_iter()
                    .map(JudgedFlag::new)
                    .collect();
                summary.note(&raw, !flags.is_empty());
                // Only a flagged card has a standing to copy them into.
                let columns = (!flags.is_empty()).then(|| raw.queue_columns());
                (raw.id, flags, columns)
            })
            .collect();
        if to_write.send(out).is_err() {
            break;
        }
    }
    summary
}

impl Store {
    /// Runs `judge` over every card and hands the judged cards, in id order, to `writer`;
    /// returns what the judges gathered on the way.
    pub(super) fn judge_every_card(
        &self,
        judge: &(impl Fn(&Card, &CardContext) -> Vec<Flag> + Sync),
        writer: &mut FlagWriter<'_>,
    ) -> Result<RunSummary, StoreError> {
        self.conn
            .pragma_update(None, "mmap_size", super::schema::MMAP_SIZE)?;
        let names = self.field_names()?;
        // Every core judges, the reader's too: it waits on SQLite's page reads much of the time.
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        std::thread::scope(|scope| {
            let (to_judge, chunks) = sync_channel::<Vec<RawCard>>(2);
            let (to_write, judged) = sync_channel::<Vec<Judged>>(2);
            let chunks: Queue = Arc::new(Mutex::new(chunks));
            let judges: Vec<_> = (0..workers)
                .map(|_| {
                    let (chunks, to_write, names) = (chunks.clone(), to_write.clone(), &names);
                    scope.spawn(move || judge_chunks(&chunks, &to_write, names, judge))
                })
                .collect();
            // The judges hold the only senders: the channel ends when they do.
            drop(to_write);
            let fed = self.feed_and_write(&to_judge, &judged, workers, writer);
            drop(to_judge);
            let mut summary = RunSummary::default();
            for judge in judges {
                let theirs = judge
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p));
                summary.merge(theirs);
            }
            fed.map(|()| summary)
        })
    }

    /// The connection thread's part: reads the cards a chunk at a time for the judges, and
    /// writes each judged chunk as it comes back, keeping every judge busy meanwhile.
    fn feed_and_write(
        &self,
        to_judge: &SyncSender<Vec<RawCard>>,
        judged: &Receiver<Vec<Judged>>,
        workers: usize,
        writer: &mut FlagWriter<'_>,
    ) -> Result<(), StoreError> {
        let max_id = self.max_card_id()?;
        let mut after = 0;
        let mut in_flight = 0usize;
        loop {
            if after < max_id {
                let upto = after + CHUNK;
                let mut chunk = Vec::with_capacity(CHUNK as usize);
                self.for_each_raw_in(after, upto, |raw| {
                    chunk.push(raw);
                    Ok(())
                })?;
                after = upto;
                if to_judge.send(chunk).is_err() {
                    return Ok(()); // a judge panicked: the caller raises it
                }
                in_flight += 1;
                if in_flight <= workers && after < max_id {
                    continue;
                }
            }
            if in_flight == 0 {
                return Ok(());
            }
            let Ok(done) = judged.recv() else {
                return Ok(());
            };
            in_flight -= 1;
            writer.write(&done)?;
        }
    }
}
