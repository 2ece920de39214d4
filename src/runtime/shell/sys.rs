//! What the shell needs from the world around it: the clock, the container's files and
//! processes. The runtime implements `Sys` for a container's main process (run ahead in
//! virtual time) and for `exec`; tests implement it over plain maps.

use crate::sim::SimTime;

/// Why a file operation failed, in the words of `strerror`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsError {
    NotFound,
    NotADirectory,
    IsADirectory,
    Exists,
    ReadOnly,
    NotEmpty,
    Busy,
}

impl FsError {
    pub fn text(self) -> &'static str {
        match self {
            FsError::NotFound => "No such file or directory",
            FsError::NotADirectory => "Not a directory",
            FsError::IsADirectory => "Is a directory",
            FsError::Exists => "File exists",
            FsError::ReadOnly => "Read-only file system",
            FsError::NotEmpty => "Directory not empty",
            FsError::Busy => "Device or resource busy",
        }
    }
}

/// One entry of a directory listing.
#[derive(Clone, Debug, PartialEq)]
pub struct DirEntry {
    pub name: String,
    pub is_dir: bool,
    pub size: usize,
    pub mtime: SimTime,
}

/// What `stat` knows about a path.
#[derive(Clone, Debug, PartialEq)]
pub struct Stat {
    pub is_dir: bool,
    pub size: usize,
    pub mtime: SimTime,
}

/// One line of `df`: a mounted filesystem and its usage in bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct DfRow {
    pub filesystem: String,
    pub size: u64,
    pub used: u64,
    pub mount: String,
}

/// A process as `ps` and `pgrep` see it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcInfo {
    pub pid: u32,
    pub ppid: u32,
    /// The command line, arguments joined by spaces (`/proc/PID/cmdline`).
    pub cmdline: String,
    pub started: SimTime,
}

impl ProcInfo {
    /// The process name (`comm`): the program's file name.
    pub fn comm(&self) -> &str {
        // `nginx: master process …` is the title nginx gives itself; its name is `nginx`.
        let first = self
            .cmdline
            .split(' ')
            .next()
            .unwrap_or("")
            .trim_end_matches(':');
        first.rsplit('/').next().unwrap_or(first)
    }
}

/// The outcome of sending a signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KillResult {
    Delivered,
    /// PID 1 without a handler for the signal: the kernel drops it.
    Ignored,
    NoSuchProcess,
}

pub trait Sys {
    /// Where the shell's standard output and error go when nothing redirects them.
    fn stdout(&mut self, text: &str);
    fn stderr(&mut self, text: &str);
    /// The current simulated time.
    fn now(&self) -> SimTime;
    fn hostname(&self) -> String;

    fn read_file(&mut self, path: &str) -> Result<String, FsError>;
    /// Writes (or appends to) a regular file, creating it; the parent must exist.
    fn write_file(&mut self, path: &str, data: &str, append: bool) -> Result<(), FsError>;
    fn stat(&mut self, path: &str) -> Option<Stat>;
    fn list_dir(&mut self, path: &str) -> Result<Vec<DirEntry>, FsError>;
    fn mkdir(&mut self, path: &str) -> Result<(), FsError>;
    /// Removes a file, or a directory with everything below it.
    fn remove(&mut self, path: &str) -> Result<(), FsError>;
    /// Creates an empty file or updates its time.
    fn touch(&mut self, path: &str) -> Result<(), FsError>;
    fn df(&mut self) -> Vec<DfRow>;

    /// The processes of the container's PID namespace, PID 1 first.
    fn processes(&mut self) -> Vec<ProcInfo>;
    /// A fresh PID for a process the shell starts.
    fn spawn_pid(&mut self) -> u32;
    /// Sends `signal` to a process outside the calling shell.
    fn kill(&mut self, pid: u32, signal: i32) -> KillResult;
}
