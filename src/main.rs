use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

// mimalloc instead of the system allocator: generation allocates many small short-lived
// strings and trees, and glibc's malloc/free were about a third of all instructions
// (callgrind, N=1000 benchmark); mimalloc cuts CPU time by a third and lowers peak
// memory (README "Performance").
#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

/// mimalloc as Rust's allocator. (The `mimalloc` crate's `MiMalloc` asks for every block
/// through `mi_malloc_aligned`, whose fast path only covers blocks up to 1 KiB: larger ones
/// were over-allocated and then aligned by hand, ~10% of normalizing's instructions.)
struct MiMalloc;

/// mimalloc aligns every block of 16 bytes or more to 16 bytes, and smaller ones to 8
/// (`MI_MAX_ALIGN_SIZE`; alloc.c asserts it of every block it hands out), as glibc does for
/// Rust's `System` allocator. Only other layouts need the aligned entry points.
fn natural(align: usize, size: usize) -> bool {
    align <= 16 && align <= size
}

// SAFETY: each method forwards to the mimalloc function with the same contract (a null
// pointer on failure; `mi_free`/`mi_realloc` accept any block from any of these), and a
// block from the unaligned functions is only used where `natural` says its alignment holds.
unsafe impl GlobalAlloc for MiMalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if natural(layout.align(), layout.size()) {
                mi::mi_malloc(layout.size()).cast()
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if natural(layout.align(), layout.size()) {
                mi::mi_zalloc(layout.size()).cast()
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: see the impl.
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if natural(layout.align(), new_size) {
                mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

/// `mi_option_purge_delay` in mimalloc.h (between `mi_option_eager_commit_delay`, 14, and
/// `mi_option_use_numa_nodes`, 16, which libmimalloc-sys names; it does not name this one).
const MI_OPTION_PURGE_DELAY: mi::mi_option_t = 15;

/// `mi_option_arena_max_object_size` in mimalloc.h (v3; after `mi_option_minimal_purge_size`,
/// not named by libmimalloc-sys), in KiB.
const MI_OPTION_ARENA_MAX_OBJECT_SIZE: mi::mi_option_t = 45;

/// Blocks larger than mimalloc's largest pages (4 MiB) are mapped from the OS on their own
/// and unmapped when freed (see `main`).
const ARENA_MAX_OBJECT_KIB: std::ffi::c_long = 4 * 1024;

fn main() -> std::process::ExitCode {
    // By default mimalloc hands freed pages back to the OS after 10 ms, and a run that
    // builds and drops large trees then faults them in again (zeroed by the kernel): that
    // was a third of the CPU time at N=5000. A generation run is short, and `--watch`
    // reuses the kept pages for the next run, so keep them.
    // SAFETY: sets a process-wide option before any other thread exists.
    unsafe { mi::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    // With purging off, a freed block's pages stay resident for the rest of the run, and a
    // few blocks are large: the 31 MB document (freed after normalizing, but before the
    // rendered files, 33 MB, are made) and the largest rendered files (freed once written).
    // A block over 4 MiB gets its own mapping from the OS instead of a place in mimalloc's
    // arena, so freeing it returns its memory at once: peak memory at N=5000 methods
    // 131 -> 107 MB, for about 3k more page faults (10%; blocks of that size are rare, and
    // are mostly written once). Smaller blocks, and mimalloc's own pages, stay in the arena.
    // SAFETY: as above.
    unsafe { mi::mi_option_set(MI_OPTION_ARENA_MAX_OBJECT_SIZE, ARENA_MAX_OBJECT_KIB) };
    // No transparent huge pages: mimalloc asks for them on its arenas (already mapped
    // when main starts, hence the process-wide switch), and a 2 MiB page is faulted in
    // whole where a few KiB of it are used. At N=5000 methods peak memory is 129 instead
    // of 157 MB, for about 6% more CPU in page faults (README "Performance").
    // SAFETY: a prctl with plain integer arguments; it only changes how later page faults
    // of this process are served.
    #[cfg(target_os = "linux")]
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0)
    };
    rpcforge::cli::main()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every size and alignment comes back aligned, keeps its bytes when reallocated
    /// (shrunk or grown, across the natural/aligned boundary too), and is zeroed when asked.
    #[test]
    fn blocks_are_aligned_and_keep_their_contents() {
        let sizes = (1..=80).chain([127, 128, 1000, 1024, 1025, 4095, 4096, 10_000, 70_000]);
        for size in sizes {
            for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
                let layout = Layout::from_size_align(size, align).unwrap();
                for new_size in [1, size / 2 + 1, size * 3] {
                    // SAFETY: non-zero sizes; each block is used within its size and freed
                    // once, with the layout it has then.
                    unsafe {
                        let p = GLOBAL.alloc(layout);
                        assert!(
                            !p.is_null() && (p as usize).is_multiple_of(align),
                            "{size} {align}"
                        );
                        for i in 0..size {
                            *p.add(i) = i as u8;
                        }
                        let q = GLOBAL.realloc(p, layout, new_size);
                        assert!(
                            !q.is_null() && (q as usize).is_multiple_of(align),
                            "{size}->{new_size}"
                        );
                        for i in 0..size.min(new_size) {
                            assert_eq!(*q.add(i), i as u8, "{size}->{new_size} at {i}");
                        }
                        GLOBAL.dealloc(q, Layout::from_size_align(new_size, align).unwrap());
                    }
                }
                // SAFETY: as above.
                unsafe {
                    let z = GLOBAL.alloc_zeroed(layout);
                    assert!(!z.is_null() && (z as usize).is_multiple_of(align));
                    assert!((0..size).all(|i| *z.add(i) == 0));
                    GLOBAL.dealloc(z, layout);
                }
            }
        }
    }
}
