//! One run at a time: an exclusive lock on `.digest/lock`.
//!
//! The lock is held by the operating system, so it is released when the
//! process ends, however it ends. The file also records who holds it, so a
//! second run can say which process it waited for.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// A held run lock; dropping it releases the lock.
pub struct RunLock {
    _file: File,
}

impl RunLock {
    /// Takes the lock in `state_dir`, waiting up to `wait` for another run to end.
    pub fn acquire(state_dir: &Path, wait: Duration) -> Result<RunLock> {
        std::fs::create_dir_all(state_dir)
            .with_context(|| format!("cannot create {}", state_dir.display()))?;
        let path = state_dir.join("lock");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open the lock {}", path.display()))?;
        let started = Instant::now();
        let mut told = false;
        while !try_lock(&file).with_context(|| format!("cannot lock {}", path.display()))? {
            if started.elapsed() >= wait {
                bail!(
                    "another digest run holds {} ({}); it did not finish within {}s. \
                     Wait for it, or stop it if it is stuck",
                    path.display(),
                    holder(&mut file),
                    wait.as_secs()
                );
            }
            if !told {
                tracing::info!("waiting for another digest run ({})", holder(&mut file));
                told = true;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        writeln!(file, "pid {}", std::process::id())?;
        file.flush()?;
        Ok(RunLock { _file: file })
    }
}

/// Takes the lock if it is free: `Ok(false)` when another process holds it.
fn try_lock(file: &File) -> std::io::Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// What the lock file says about its holder.
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file
        .seek(SeekFrom::Start(0))
        .and_then(|_| file.read_to_string(&mut text));
    match text.trim() {
        "" => "holder unknown".into(),
        who => who.to_string(),
    }
}
