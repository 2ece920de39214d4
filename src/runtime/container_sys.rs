//! The `Sys` a container's processes see: its files through its mounts, its clock, its PID
//! namespace. The same implementation serves `exec` (on the real files, at the current
//! instant) and a main process run ahead in time (on a copy of the files, recording each
//! change with its time so it can be applied when that time comes).

use super::files::{ContainerView, FileOp, Files};
use super::shell::path::normalize;
use super::shell::sys::{DfRow, DirEntry, FsError, KillResult, ProcInfo, Stat, Sys};
use crate::sim::SimTime;

/// Who may receive signals, and how they take them: decided before the shell runs, the
/// signals themselves are delivered afterwards by the caller.
#[derive(Clone, Debug, Default)]
pub struct SignalTargets {
    /// PIDs that die of a signal (not PID 1).
    pub killable: Vec<u32>,
    /// Whether PID 1 has handlers for SIGTERM/SIGINT/SIGQUIT (a server does; a shell or
    /// `sleep` does not, so the kernel drops them).
    pub pid1_handles_term: bool,
}

pub struct ContainerSys<'a> {
    pub files: &'a mut Files,
    pub view: &'a ContainerView,
    pub now: SimTime,
    pub stdout: Vec<(SimTime, String)>,
    pub stderr: Vec<(SimTime, String)>,
    /// Both streams interleaved as written (a container's log).
    pub combined: Vec<(SimTime, String)>,
    /// File changes made, with their times (when running ahead on a copy).
    pub ops: Vec<(SimTime, FileOp)>,
    /// Whether anything read a file.
    pub read_files: bool,
    pub next_pid: u32,
    /// The container's other processes (`ps`, `pgrep`, `kill`).
    pub others: Vec<ProcInfo>,
    pub targets: SignalTargets,
    /// Signals sent to `others`, in order.
    pub signals: Vec<(u32, i32)>,
}

impl<'a> ContainerSys<'a> {
    pub fn new(files: &'a mut Files, view: &'a ContainerView, now: SimTime, next_pid: u32) -> Self {
        ContainerSys {
            files,
            view,
            now,
            stdout: Vec::new(),
            stderr: Vec::new(),
            combined: Vec::new(),
            ops: Vec::new(),
            read_files: false,
            next_pid,
            others: Vec::new(),
            targets: SignalTargets::default(),
            signals: Vec::new(),
        }
    }

    fn change(&mut self, op: FileOp) -> Result<(), FsError> {
        self.files.apply(self.view, &op, self.now)?;
        self.ops.push((self.now, op));
        Ok(())
    }

    pub fn stdout_text(&self) -> String {
        self.stdout.iter().map(|(_, s)| s.as_str()).collect()
    }

    pub fn stderr_text(&self) -> String {
        self.stderr.iter().map(|(_, s)| s.as_str()).collect()
    }
}

impl Sys for ContainerSys<'_> {
    fn stdout(&mut self, text: &str) {
        self.stdout.push((self.now, text.to_string()));
        self.combined.push((self.now, text.to_string()));
    }
    fn stderr(&mut self, text: &str) {
        self.stderr.push((self.now, text.to_string()));
        self.combined.push((self.now, text.to_string()));
    }
    fn now(&self) -> SimTime {
        self.now
    }
    fn hostname(&self) -> String {
        self.view.hostname.clone()
    }
    fn read_file(&mut self, path: &str) -> Result<String, FsError> {
        self.read_files = true;
        match normalize(path).as_str() {
            "/dev/null" => Ok(String::new()),
            "/etc/hostname" => Ok(format!("{}\n", self.view.hostname)),
            _ => self.files.read(self.view, path),
        }
    }
    fn write_file(&mut self, path: &str, data: &str, append: bool) -> Result<(), FsError> {
        if normalize(path) == "/dev/null" {
            return Ok(());
        }
        self.change(FileOp::Write {
            path: normalize(path),
            data: data.to_string(),
            append,
        })
    }
    fn stat(&mut self, path: &str) -> Option<Stat> {
        self.read_files = true;
        self.files.stat(self.view, path)
    }
    fn list_dir(&mut self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        self.read_files = true;
        self.files.list(self.view, path)
    }
    fn mkdir(&mut self, path: &str) -> Result<(), FsError> {
        self.change(FileOp::Mkdir {
            path: normalize(path),
        })
    }
    fn remove(&mut self, path: &str) -> Result<(), FsError> {
        self.change(FileOp::Remove {
            path: normalize(path),
        })
    }
    fn touch(&mut self, path: &str) -> Result<(), FsError> {
        self.change(FileOp::Touch {
            path: normalize(path),
        })
    }
    fn df(&mut self) -> Vec<DfRow> {
        self.files.df(self.view)
    }
    fn processes(&mut self) -> Vec<ProcInfo> {
        self.others.clone()
    }
    fn spawn_pid(&mut self) -> u32 {
        let p = self.next_pid;
        self.next_pid += 1;
        p
    }
    fn kill(&mut self, pid: u32, signal: i32) -> KillResult {
        if !self.others.iter().any(|p| p.pid == pid) {
            return KillResult::NoSuchProcess;
        }
        let result = if pid == 1 {
            // The kernel drops signals to a namespace's init unless it has a handler, and
            // SIGKILL/SIGSTOP from inside cannot have one.
            if self.targets.pid1_handles_term && matches!(signal, 2 | 3 | 15) {
                KillResult::Delivered
            } else {
                KillResult::Ignored
            }
        } else if self.targets.killable.contains(&pid)
            && !super::shell::programs::signals::is_harmless(signal)
        {
            KillResult::Delivered
        } else {
            KillResult::Ignored
        };
        if result == KillResult::Delivered {
            self.signals.push((pid, signal));
        }
        result
    }
}
