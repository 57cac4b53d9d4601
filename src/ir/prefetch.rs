//! Decoding a large document's named schemas on a second core, ahead of the builder.
//!
//! With [`crate::schema::read_lazily`] every `$defs` entry is JSON text until the builder
//! reaches it, and decoding that text was close to half of normalizing, all on one core
//! while the other idled. Here a second thread decodes the entries in the order the
//! builder will most likely ask for them (the builder walks references depth first, and so
//! does this), and hands each over when asked. It only predicts: an entry not decoded yet
//! when asked for is decoded by the builder itself, as without prefetching, so the result
//! never depends on the timing. It stays at most [`AHEAD`] entries ahead, so decoded
//! schemas waiting to be converted take little memory. The builder hands each decoded
//! schema back when it is done with it, and this thread drops it: a block freed by the
//! thread that did not allocate it is slow to free in mimalloc, and slow again for the
//! allocating thread to collect (together about a third of this thread's time).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use rustc_hash::FxHashMap;

use super::build::percent_decode;
use crate::schema::decode_raw_def;
use crate::schema::json_schema::{Items, Schema};
use crate::schema::source::{RawDef, SourceDocument, SourceParams};

/// Documents with fewer named schemas are normalized on one thread (starting one costs
/// more than it saves).
pub(crate) const MIN_DEFS: usize = 64;

/// How many decoded entries may wait for the builder.
const AHEAD: usize = 64;

enum Slot {
    /// Not decoded, not asked for.
    Pending,
    /// The decoder is at it.
    Decoding,
    /// (A schema object is boxed already: not boxed again, which the builder would free.)
    Ready(Schema),
    /// Handed over (or asked for before it was ready, and decoded by the builder).
    Taken,
}

pub(crate) struct Prefetch<'a> {
    defs: &'a [RawDef<'a>],
    by_ref: FxHashMap<&'a str, usize>,
    slots: Vec<Mutex<Slot>>,
    /// The decoder waits on `room` while `AHEAD` decoded entries wait for the builder, and
    /// for schemas to drop once every entry is decoded.
    shared: Mutex<Shared>,
    room: Condvar,
    stop: AtomicBool,
}

#[derive(Default)]
struct Shared {
    /// Decoded entries not yet taken.
    waiting: usize,
    /// Schemas the builder is done with, for the decoder to drop.
    done: Vec<Schema>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing here leaves a slot half-updated across a panic.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<'a> Prefetch<'a> {
    pub fn new(defs: &'a [RawDef<'a>]) -> Self {
        Prefetch {
            by_ref: defs
                .iter()
                .enumerate()
                .map(|(i, d)| (d.reference.as_str(), i))
                .collect(),
            slots: defs.iter().map(|_| Mutex::new(Slot::Pending)).collect(),
            defs,
            shared: Mutex::default(),
            room: Condvar::new(),
            stop: AtomicBool::new(false),
        }
    }

    /// The decoded schema of entry `index`, when the decoder has it ready; `None`: decode
    /// it yourself (the decoder then leaves it alone).
    pub fn take(&self, index: usize) -> Option<Schema> {
        let mut slot = lock(&self.slots[index]);
        match std::mem::replace(&mut *slot, Slot::Taken) {
            Slot::Ready(schema) => {
                drop(slot);
                lock(&self.shared).waiting -= 1;
                self.room.notify_one();
                Some(schema)
            }
            Slot::Pending | Slot::Decoding | Slot::Taken => None,
        }
    }

    /// Hands a schema from [`Prefetch::take`] back, for the decoder to drop.
    pub fn give_back(&self, schema: Schema) {
        lock(&self.shared).done.push(schema);
    }

    /// Ends [`Prefetch::run`] (the builder is done, or failed).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        let _guard = lock(&self.shared);
        self.room.notify_all();
    }

    /// Drops the schemas handed back so far (outside the lock).
    fn drop_given_back(&self) {
        let done = std::mem::take(&mut lock(&self.shared).done);
        drop(done);
    }

    /// The decoder thread: the entries the methods and events refer to, in document order,
    /// each followed depth first by the entries it refers to (in the order of its text);
    /// then every entry left, in order (the builder converts unused ones last).
    pub fn run(&self, doc: &SourceDocument) {
        fn top_ref(schema: &Schema) -> Option<&str> {
            match schema {
                Schema::Object(o) => o.reference.as_deref(),
                _ => None,
            }
        }
        let mut roots: Vec<&str> = Vec::new();
        for m in &doc.methods {
            match &m.params {
                Some(SourceParams::Schema { schema, .. }) => roots.extend(top_ref(schema)),
                Some(SourceParams::Descriptors(list)) => {
                    roots.extend(list.iter().filter_map(|d| top_ref(&d.schema)))
                }
                None => {}
            }
            roots.extend(m.result.as_ref().and_then(|(schema, _)| top_ref(schema)));
        }
        roots.extend(doc.events.iter().filter_map(|e| top_ref(&e.payload)));
        let mut stack: Vec<usize> = Vec::new();
        for root in roots {
            stack.extend(self.index_of(root));
            while let Some(i) = stack.pop() {
                if self.stop.load(Ordering::Relaxed) {
                    return;
                }
                let at = stack.len();
                self.decode(i, Some(&mut stack));
                stack[at..].reverse();
            }
        }
        for i in 0..self.defs.len() {
            if self.stop.load(Ordering::Relaxed) {
                return;
            }
            self.decode(i, None);
        }
        // Every entry is decoded: drop what the builder hands back until it is done.
        loop {
            self.drop_given_back();
            let shared = lock(&self.shared);
            if self.stop.load(Ordering::Relaxed) {
                return;
            }
            drop(
                self.room
                    .wait(shared)
                    .unwrap_or_else(PoisonError::into_inner),
            );
        }
    }

    fn index_of(&self, reference: &str) -> Option<usize> {
        let decoded = percent_decode(reference);
        self.by_ref
            .get(&*decoded)
            .or_else(|| self.by_ref.get(reference))
            .copied()
    }

    /// Decodes entry `i` unless it was already (or is taken); then adds the entries it
    /// refers to to `refs`, in the order of its text (about: they are read from the
    /// decoded schema, which is cheaper than searching its text again).
    fn decode(&self, i: usize, refs: Option<&mut Vec<usize>>) {
        if !matches!(*lock(&self.slots[i]), Slot::Pending) {
            return;
        }
        self.drop_given_back();
        {
            let mut shared = lock(&self.shared);
            while shared.waiting >= AHEAD && !self.stop.load(Ordering::Relaxed) {
                shared = self
                    .room
                    .wait(shared)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        }
        // Marked only once there is room for it: an entry the builder asks for while the
        // decoder waits is then the builder's alone, not decoded twice.
        {
            let mut slot = lock(&self.slots[i]);
            if !matches!(*slot, Slot::Pending) {
                return;
            }
            *slot = Slot::Decoding;
        }
        let text = self.defs[i].text;
        // A text that does not decode stays with the builder, which reports it.
        let Some(schema) = decode_raw_def(text) else {
            if let Some(refs) = refs {
                refs.extend(refs_in(text).filter_map(|r| self.index_of(r)));
            }
            return;
        };
        if let Some(refs) = refs {
            self.refs_of(&schema, refs);
        }
        let mut slot = lock(&self.slots[i]);
        if matches!(*slot, Slot::Decoding) {
            *slot = Slot::Ready(schema);
            drop(slot);
            lock(&self.shared).waiting += 1;
        }
    }

    /// The entries a decoded schema refers to, its keywords in the (alphabetical) order
    /// Pydantic writes them.
    fn refs_of(&self, schema: &Schema, refs: &mut Vec<usize>) {
        let Schema::Object(o) = schema else {
            return;
        };
        if let Some(reference) = &o.reference {
            refs.extend(self.index_of(reference));
        }
        let items: &[Schema] = match &o.items {
            Some(Items::One(schema)) => std::slice::from_ref(schema),
            Some(Items::Tuple(schemas)) => schemas,
            None => &[],
        };
        let lists = [
            o.all_of.as_deref(),
            o.any_of.as_deref(),
            Some(items),
            o.one_of.as_deref(),
            o.prefix_items.as_deref(),
        ];
        for schema in (o.additional_properties.iter())
            .chain(lists.into_iter().flatten().flatten())
            .chain(o.properties.iter().flat_map(|p| p.values()))
        {
            self.refs_of(schema, refs);
        }
    }
}

/// The `$ref` strings in a schema's JSON text, in order. A guess for ordering only: a
/// `"$ref"` inside a string value is matched too, an escaped reference is skipped.
fn refs_in(text: &str) -> impl Iterator<Item = &str> {
    memchr::memmem::find_iter(text.as_bytes(), b"\"$ref\"").filter_map(move |at| {
        let rest = text[at + 6..].trim_start();
        let rest = rest.strip_prefix(':')?.trim_start().strip_prefix('"')?;
        let end = rest.find(['"', '\\'])?;
        (rest.as_bytes()[end] == b'"').then(|| &rest[..end])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_references_of_a_schema_text_in_order() {
        let text = r##"{"properties": {"a": {"$ref": "#/$defs/A"}, "b": {"items": {"$ref" : "#/$defs/B%20C"}},
            "c": {"$ref": "#/$defs/\u0044"}, "d": {"description": "a \"$ref\" in text"}}}"##;
        assert_eq!(
            refs_in(text).collect::<Vec<_>>(),
            ["#/$defs/A", "#/$defs/B%20C"]
        );
    }
}
