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

/// How long a waiting run gives a holder that has just taken the lock to
/// write who it is.
const HOLDER_GRACE: Duration = Duration::from_millis(500);

/// What the lock file says about its holder. A holder writes its name just
/// after taking the lock, so an empty file is read again for a moment.
fn holder(file: &mut File) -> String {
    let deadline = Instant::now() + HOLDER_GRACE;
    loop {
        let mut text = String::new();
        let _ = file
            .seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_string(&mut text));
        match text.trim() {
            "" if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            "" => return "holder unknown".into(),
            who => return who.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_holder_that_writes_its_name_just_after_locking_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let mut holding = File::create(&path).unwrap();
        holding.lock().unwrap();
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            writeln!(holding, "pid 4242").unwrap();
            holding
        });
        let mut waiting = File::open(&path).unwrap();
        assert_eq!(holder(&mut waiting), "pid 4242");
        let holding = writer.join().unwrap();
        holding.set_len(0).unwrap();
        assert_eq!(holder(&mut waiting), "holder unknown");
    }
}
