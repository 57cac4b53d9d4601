//! `RPCFORGE_TIMINGS=1`: each stage of a run prints its wall time and the process's memory
//! to stderr, e.g. `timing: normalize 231.2 ms (peak 113 MB, now 113 MB)`. For profiling
//! (`scripts/bench` gives the figures that count); free when the variable is unset.

use std::sync::Mutex;
use std::time::Instant;

fn enabled() -> bool {
    use std::sync::OnceLock;
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("RPCFORGE_TIMINGS").is_some_and(|v| v != "0"))
}

/// Starts the clock (the first stage is timed from here).
pub fn start() {
    if enabled() {
        *LAST.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
    }
}

static LAST: Mutex<Option<Instant>> = Mutex::new(None);

/// Ends a stage: prints the time since the previous mark (or [`start`]).
pub fn mark(stage: &str) {
    if !enabled() {
        return;
    }
    let now = Instant::now();
    let since = LAST
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .replace(now)
        .map_or(0.0, |t| (now - t).as_secs_f64() * 1e3);
    // Linux only: VmHWM (peak resident) and VmRSS (resident now), in kB.
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or_else(|| "?".to_string(), |kb| format!("{}", kb / 1024))
    };
    eprintln!(
        "timing: {stage} {since:.1} ms (peak {} MB, now {} MB)",
        field("VmHWM:"),
        field("VmRSS:")
    );
}
