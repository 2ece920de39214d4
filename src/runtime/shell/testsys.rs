//! An in-memory `Sys` for the shell's unit tests.

use super::sys::*;
use crate::sim::SimTime;
use std::collections::BTreeMap;

#[derive(Default)]
pub struct MemSys {
    pub now: SimTime,
    pub out: String,
    pub err: String,
    /// Path → Some(content) for files, None for directories.
    pub files: BTreeMap<String, Option<String>>,
    pub procs: Vec<ProcInfo>,
    pub next_pid: u32,
    pub killed: Vec<(u32, i32)>,
}

impl MemSys {
    pub fn new() -> MemSys {
        let mut s = MemSys {
            next_pid: 2,
            ..Default::default()
        };
        for d in ["/", "/tmp", "/data", "/etc"] {
            s.files.insert(d.into(), None);
        }
        s
    }
    fn parent_ok(&self, path: &str) -> Result<(), FsError> {
        let (dir, _) = super::path::split(path);
        match self.files.get(&dir) {
            Some(None) => Ok(()),
            Some(Some(_)) => Err(FsError::NotADirectory),
            None => Err(FsError::NotFound),
        }
    }
}

impl Sys for MemSys {
    fn stdout(&mut self, text: &str) {
        self.out.push_str(text);
    }
    fn stderr(&mut self, text: &str) {
        self.err.push_str(text);
    }
    fn now(&self) -> SimTime {
        self.now
    }
    fn hostname(&self) -> String {
        "test-pod".into()
    }
    fn read_file(&mut self, path: &str) -> Result<String, FsError> {
        match self.files.get(path) {
            Some(Some(c)) => Ok(c.clone()),
            Some(None) => Err(FsError::IsADirectory),
            None => Err(FsError::NotFound),
        }
    }
    fn write_file(&mut self, path: &str, data: &str, append: bool) -> Result<(), FsError> {
        self.parent_ok(path)?;
        match self.files.get_mut(path) {
            Some(None) => Err(FsError::IsADirectory),
            Some(Some(c)) => {
                if !append {
                    c.clear();
                }
                c.push_str(data);
                Ok(())
            }
            None => {
                self.files.insert(path.into(), Some(data.into()));
                Ok(())
            }
        }
    }
    fn stat(&mut self, path: &str) -> Option<Stat> {
        self.files.get(path).map(|f| Stat {
            is_dir: f.is_none(),
            size: f.as_ref().map_or(4096, |c| c.len()),
            mtime: self.now,
        })
    }
    fn list_dir(&mut self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        match self.files.get(path) {
            Some(None) => {}
            Some(Some(_)) => return Err(FsError::NotADirectory),
            None => return Err(FsError::NotFound),
        }
        Ok(self
            .files
            .iter()
            .filter(|(p, _)| p.as_str() != path && super::path::split(p).0 == path)
            .map(|(p, f)| DirEntry {
                name: super::path::split(p).1,
                is_dir: f.is_none(),
                size: f.as_ref().map_or(4096, |c| c.len()),
                mtime: self.now,
            })
            .collect())
    }
    fn mkdir(&mut self, path: &str) -> Result<(), FsError> {
        if self.files.contains_key(path) {
            return Err(FsError::Exists);
        }
        self.parent_ok(path)?;
        self.files.insert(path.into(), None);
        Ok(())
    }
    fn remove(&mut self, path: &str) -> Result<(), FsError> {
        if !self.files.contains_key(path) {
            return Err(FsError::NotFound);
        }
        let prefix = format!("{path}/");
        self.files
            .retain(|p, _| p != path && !p.starts_with(&prefix));
        Ok(())
    }
    fn touch(&mut self, path: &str) -> Result<(), FsError> {
        if self.files.contains_key(path) {
            return Ok(());
        }
        self.write_file(path, "", true)
    }
    fn df(&mut self) -> Vec<DfRow> {
        vec![
            DfRow {
                filesystem: "overlay".into(),
                size: 100 << 30,
                used: 12 << 30,
                mount: "/".into(),
            },
            DfRow {
                filesystem: "/dev/sdb".into(),
                size: 1_000_000_000,
                used: 0,
                mount: "/data".into(),
            },
        ]
    }
    fn processes(&mut self) -> Vec<ProcInfo> {
        self.procs.clone()
    }
    fn spawn_pid(&mut self) -> u32 {
        let p = self.next_pid;
        self.next_pid += 1;
        p
    }
    fn kill(&mut self, pid: u32, signal: i32) -> KillResult {
        if self.procs.iter().any(|p| p.pid == pid) {
            self.killed.push((pid, signal));
            if pid == 1 {
                KillResult::Ignored
            } else {
                KillResult::Delivered
            }
        } else {
            KillResult::NoSuchProcess
        }
    }
}
