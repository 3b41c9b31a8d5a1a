//! Watching the flow file: editors save in place or write a temporary file and rename it, so
//! the folder is watched and events for the file's name are kept. Each change re-reads and
//! re-checks the file off the UI thread and sends the outcome as one event.

use std::path::PathBuf;
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use tokio::sync::mpsc::UnboundedSender;

use crate::app::Event;

/// Starts watching; the watcher stops when the returned value is dropped.
pub fn watch(
    path: PathBuf,
    tx: UnboundedSender<Event>,
) -> notify::Result<Debouncer<notify::RecommendedWatcher, RecommendedCache>> {
    // Watch the folder by its absolute path; read the file by the path the user gave, so
    // findings show it as they typed it.
    let absolute = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
    let dir = absolute
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let name = absolute.file_name().map(|n| n.to_os_string());
    let mut debouncer = new_debouncer(
        Duration::from_millis(50),
        None,
        move |result: DebounceEventResult| {
            let Ok(events) = result else { return };
            // Reading the file (our own reload included) is not a change.
            let touched = events.iter().any(|e| {
                !matches!(e.kind, notify::EventKind::Access(_))
                    && e.paths
                        .iter()
                        .any(|p| p.file_name().map(|n| n.to_os_string()) == name)
            });
            if touched {
                let _ = tx.send(Event::Reload(super::read_flow(&path)));
            }
        },
    )?;
    debouncer.watch(&dir, RecursiveMode::NonRecursive)?;
    Ok(debouncer)
}
