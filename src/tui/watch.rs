//! Watching the flow file: editors save in place or write a temporary file and rename it, so
//! the folder is watched and events for the file's name are kept. The events of one save (an
//! editor makes several) settle for 50 ms; then the file is re-read and re-checked off the UI
//! thread and the outcome sent as one event.
//!
//! Nothing runs while nothing changes: the watcher's thread waits on the kernel's
//! notifications and the settling thread on its channel, with a timeout only while a save's
//! events are coming in. (A debouncer that ticks would wake the process every few
//! milliseconds for as long as the preview is open.)

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::mpsc::UnboundedSender;

use crate::app::Event;

/// How long a save's events must have stopped before the file is read.
const SETTLE: Duration = Duration::from_millis(50);

/// Starts watching; the watcher stops, and its settling thread ends, when the returned value
/// is dropped.
pub fn watch(path: PathBuf, tx: UnboundedSender<Event>) -> notify::Result<RecommendedWatcher> {
    // Watch the folder by its absolute path; read the file by the path the user gave, so
    // findings show it as they typed it.
    let absolute = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
    let dir = absolute
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let name = absolute.file_name().map(|n| n.to_os_string());
    let (touched, changes) = mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
        let Ok(event) = result else { return };
        // Reading the file (our own reload included) is not a change.
        if !matches!(event.kind, EventKind::Access(_))
            && event.paths.iter().any(|p| p.file_name() == name.as_deref())
        {
            let _ = touched.send(());
        }
    })?;
    watcher.watch(&dir, RecursiveMode::NonRecursive)?;
    std::thread::Builder::new()
        .name("flowsim-reload".into())
        .spawn(move || {
            // Each receive ends with an error once the watcher, which holds the sender, is gone.
            while changes.recv().is_ok() {
                loop {
                    match changes.recv_timeout(SETTLE) {
                        Ok(()) => {}
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                if tx.send(Event::Reload(super::read_flow(&path))).is_err() {
                    return;
                }
            }
        })
        .map_err(notify::Error::io)?;
    Ok(watcher)
}
