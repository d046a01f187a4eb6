//! Running redlua libraries in production: deploying a build's libraries, watching the
//! loads redlua makes by itself, looking at what a server holds, exporting the Lua, and
//! stopping a runaway function. The book's "Operations" chapter;
//! `tests/integration/book_examples.rs` runs each on a real server.

use crate::capped_increment::capped_increment;
use crate::get_with_default::kv;
use crate::locks::locks;
use crate::transfer::bank;
use redlua::events::{self, Event};
use redlua::{Library, LibraryStatus, Script};
use std::path::{Path, PathBuf};

/// The libraries and scripts this application ships.
pub static LIBRARIES: [&Library; 3] = [&bank::LIBRARY, &kv::LIBRARY, &locks::LIBRARY];
/// The EVAL scripts it ships.
pub static SCRIPTS: [&Script; 1] = [&capped_increment::SCRIPT];

// ANCHOR: deploy
/// At start-up or in a deploy job: makes sure the server holds exactly this build's
/// libraries and scripts, and says, per library, what it did and which version the
/// server held before.
pub fn deploy(con: &mut redis::Connection) -> Result<Vec<String>, redlua::Error> {
    let mut report = Vec::new();
    for library in LIBRARIES {
        let before = match library.status(con)? {
            LibraryStatus::Missing => "nothing".to_string(),
            LibraryStatus::Current => "this version".to_string(),
            LibraryStatus::Other { stamp } => format!("version {stamp}"),
            other => format!("{other:?}"),
        };
        let outcome = library.load(con)?; // Loaded, Unchanged or Replaced
        report.push(format!("{} {}: {outcome:?}, the server had {before}", library.name(), library.stamp()));
    }
    for script in SCRIPTS {
        script.load(con)?;
        report.push(format!("script {} {}: loaded", script.name(), script.sha1()));
    }
    Ok(report)
}
// ANCHOR_END: deploy

// ANCHOR: events
/// Reports every load redlua makes, including those it makes by itself when a call finds
/// its function missing. `log` receives one line per load; keep the returned
/// subscription alive for as long as the reports are wanted.
pub fn report_loads(log: impl Fn(String) + Send + Sync + 'static) -> events::Subscription {
    events::subscribe(move |event| match event {
        Event::LibraryLoaded { library, stamp, previous, node, trigger } => {
            let server = node.as_deref().unwrap_or("the server");
            let before = match previous {
                LibraryStatus::Other { stamp } => format!("replacing version {stamp}"),
                LibraryStatus::Missing => "it had none".to_string(),
                other => format!("{other:?}"),
            };
            log(format!("library {library} {stamp} loaded on {server} ({trigger:?}), {before}"));
        }
        Event::ScriptLoaded { script, sha1, trigger } => log(format!("script {script} {sha1} loaded ({trigger:?})")),
        other => log(format!("{other:?}")),
    })
}
// ANCHOR_END: events

// ANCHOR: inspect
/// What the server holds: each library with its functions and their flags, whether it is
/// this build's version, and the function running right now, if any.
pub fn inspect(con: &mut redis::Connection) -> Result<Vec<String>, redlua::Error> {
    let mut lines = Vec::new();
    for lib in redlua::functions::list_with_code(con)? {
        let ours = LIBRARIES.iter().find(|l| l.name() == lib.name);
        let version = match (ours, lib.stamp()) {
            (Some(l), Some(stamp)) if stamp == l.stamp() => "this build".to_string(),
            (Some(_), Some(stamp)) => format!("another version ({stamp})"),
            _ => "not ours".to_string(),
        };
        lines.push(format!("{} [{}]: {version}", lib.name, lib.engine));
        for f in &lib.functions {
            lines.push(format!("  {} {:?}", f.name, f.flags));
        }
    }
    let stats = redlua::functions::stats(con)?;
    if let Some(running) = stats.running {
        lines.push(format!("running: {} for {:?} ({})", running.name, running.duration, running.command.join(" ")));
    }
    Ok(lines)
}
// ANCHOR_END: inspect

// ANCHOR: export
/// Writes `<name>.lua` for every library and script into `dir`, for deployments that
/// load code with `redis-cli`.
pub fn export(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    redlua::functions::export(dir, &LIBRARIES, &SCRIPTS)
}
// ANCHOR_END: export

// ANCHOR: kill
/// Stops the function that keeps the server busy, if it has not written yet. Replies
/// false when nothing was running.
pub fn stop_runaway_function(con: &mut redis::Connection) -> Result<bool, redlua::Error> {
    if let Some(running) = redlua::functions::stats(con)?.running {
        eprintln!("killing {} after {:?}: {}", running.name, running.duration, running.command.join(" "));
    }
    // UNKILLABLE (an error) when it has written: only SHUTDOWN NOSAVE stops it then.
    redlua::functions::kill(con)
}
// ANCHOR_END: kill
