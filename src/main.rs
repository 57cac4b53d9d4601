// mimalloc instead of the system allocator: generation allocates many small short-lived
// strings and trees, and glibc's malloc/free were about a third of all instructions
// (callgrind, N=1000 benchmark); mimalloc cuts CPU time by a third and lowers peak
// memory (README "Performance").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (between `mi_option_eager_commit_delay`, 14, and
/// `mi_option_use_numa_nodes`, 16, which libmimalloc-sys names; it does not name this one).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // By default mimalloc hands freed pages back to the OS after 10 ms, and a run that
    // builds and drops large trees then faults them in again (zeroed by the kernel): that
    // was a third of the CPU time at N=5000. A generation run is short, and `--watch`
    // reuses the kept pages for the next run, so keep them.
    // SAFETY: sets a process-wide option before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    rpcforge::cli::main()
}
