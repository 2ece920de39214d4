//! A container's main process when the small shell runs it (`sh -c SCRIPT`, `sleep N`,
//! `echo …`). When it starts, the script is run ahead in virtual time: every wait (a
//! `sleep`) becomes a segment of its timeline, with a snapshot of the shell as it waits;
//! what it prints and the files it changes are kept with their times and handed over when
//! the clock gets there. So the kubelet knows at once when the container will exit, and
//! nothing ticks meanwhile.
//!
//! When something reaches in at time T — `kill` of a child from `exec`, files changed by
//! `exec` — the timeline is cut at T and the shell goes on from its snapshot at T.
//! A script that loops forever is run ahead a bounded number of waits at a time; the
//! timeline's frontier is extended when the clock reaches it.

use super::container_sys::{ContainerSys, SignalTargets};
use super::files::{ContainerView, FileOp, Files};
use super::shell::{Block, Machine, ProcInfo, Signalled, Yield, STEP_BUDGET};
use crate::sim::SimTime;
use std::collections::VecDeque;

/// Waits run ahead at most per extension of the timeline.
pub const HORIZON_WAITS: usize = 2000;

/// A stretch of time the shell spends waiting on a child.
#[derive(Clone, Debug)]
struct Segment {
    start: SimTime,
    /// `None`: the child runs until stopped.
    end: Option<SimTime>,
    /// The shell while it waits (resume it, or signal its child).
    machine: Machine,
    /// The PID counter at the start of the wait.
    next_pid: u32,
}

#[derive(Clone, Debug)]
enum End {
    Exited {
        at: SimTime,
        code: i32,
    },
    /// Waits forever in its last segment.
    Forever,
    /// Ran a loop that never waits: klab stops simulating it (it runs until stopped).
    Busy,
    /// Not computed beyond `at` yet.
    Frontier {
        at: SimTime,
        machine: Box<Machine>,
        next_pid: u32,
    },
}

#[derive(Clone, Debug)]
pub struct ShellProcess {
    segments: Vec<Segment>,
    output: VecDeque<(SimTime, String)>,
    ops: VecDeque<(SimTime, FileOp)>,
    end: End,
    /// Programs the model does not know that the script ran (they run until stopped).
    pub unknown: Vec<String>,
    /// Set when the script turned out to busy-loop.
    pub busy: bool,
    /// PID 1 as it started (before a program replaced the shell in place).
    pid1: ProcInfo,
    /// The PID counter once the timeline so far is accounted for.
    next_pid: u32,
}

/// What flushing handed over: output for the log, and whether the exit time changed.
#[derive(Default)]
pub struct Flushed {
    pub output: String,
    pub changed: bool,
}

impl ShellProcess {
    /// Starts `machine` (PID 1) at `at` and runs it ahead.
    pub fn start(
        machine: Machine,
        at: SimTime,
        files: &Files,
        view: &ContainerView,
    ) -> ShellProcess {
        let pid1 = machine.processes().into_iter().next().unwrap_or(ProcInfo {
            pid: 1,
            ppid: 0,
            cmdline: String::new(),
            started: at,
        });
        let mut p = ShellProcess {
            segments: Vec::new(),
            output: VecDeque::new(),
            ops: VecDeque::new(),
            end: End::Forever,
            unknown: Vec::new(),
            busy: false,
            pid1,
            next_pid: 2,
        };
        p.run_ahead(machine, at, 2, files, view);
        p
    }

    /// When the main process exits, and with what code, as far as the timeline knows.
    pub fn exit(&self) -> Option<(SimTime, i32)> {
        match self.end {
            End::Exited { at, code } => Some((at, code)),
            _ => None,
        }
    }

    /// Output printed by `now` but not handed over yet.
    pub fn pending_output(&self, now: SimTime) -> String {
        self.output
            .iter()
            .take_while(|(t, _)| *t <= now)
            .map(|(_, s)| s.as_str())
            .collect()
    }

    /// When the timeline must be extended (`None` if it is complete).
    pub fn frontier(&self) -> Option<SimTime> {
        match self.end {
            End::Frontier { at, .. } => Some(at),
            _ => None,
        }
    }

    /// The process table at `now`: PID 1, then the shell's subshells and the child it waits on.
    pub fn processes(&self, now: SimTime) -> Vec<ProcInfo> {
        match self.segment_at(now) {
            Some(i) => self.segments[i].machine.processes(),
            None => vec![self.pid1.clone()],
        }
    }

    /// The PID counter at `now`.
    pub fn next_pid_at(&self, now: SimTime) -> u32 {
        match self.segment_at(now) {
            Some(i) => self.segments[i].next_pid,
            None => self.next_pid,
        }
    }

    /// The segment the shell is waiting in at `now`.
    fn segment_at(&self, now: SimTime) -> Option<usize> {
        self.segments
            .iter()
            .rposition(|s| s.start <= now && s.end.is_none_or(|e| e > now))
    }

    fn run_ahead(
        &mut self,
        mut machine: Machine,
        from: SimTime,
        mut next_pid: u32,
        files: &Files,
        view: &ContainerView,
    ) {
        // The shell works on a copy of the files, as they will be: pending changes included.
        let mut scratch = files.snapshot(view);
        for (t, op) in &self.ops {
            let _ = scratch.apply(view, op, *t);
        }
        let mut t = from;
        let mut waits = 0usize;
        loop {
            let mut sys = ContainerSys::new(&mut scratch, view, t, next_pid);
            let y = machine.run(&mut sys, STEP_BUDGET);
            next_pid = sys.next_pid;
            self.take_effects(&mut sys);
            match y {
                Yield::Exited(code) => {
                    self.end = End::Exited { at: t, code };
                    break;
                }
                Yield::Busy => {
                    self.busy = true;
                    self.end = End::Busy;
                    break;
                }
                Yield::Blocked(Block {
                    duration, unknown, ..
                }) => {
                    if let Some(u) = unknown {
                        if !self.unknown.contains(&u) {
                            self.unknown.push(u);
                        }
                    }
                    let end = duration.map(|d| t + d);
                    self.segments.push(Segment {
                        start: t,
                        end,
                        machine: machine.clone(),
                        next_pid,
                    });
                    let Some(end) = end else {
                        self.end = End::Forever;
                        break;
                    };
                    t = end;
                    let mut sys = ContainerSys::new(&mut scratch, view, t, next_pid);
                    machine.resume(0, &mut sys);
                    next_pid = sys.next_pid;
                    self.take_effects(&mut sys);
                    waits += 1;
                    if waits >= HORIZON_WAITS {
                        self.end = End::Frontier {
                            at: t,
                            machine: Box::new(machine),
                            next_pid,
                        };
                        break;
                    }
                }
            }
        }
        self.next_pid = next_pid;
    }

    fn take_effects(&mut self, sys: &mut ContainerSys) {
        for (t, s) in sys.combined.drain(..) {
            self.output.push_back((t, s));
        }
        for (t, op) in sys.ops.drain(..) {
            self.ops.push_back((t, op));
        }
    }

    /// Hands over everything up to `now`: output for the log, file changes to `files`;
    /// extends the timeline if the clock reached its frontier.
    pub fn flush(&mut self, now: SimTime, files: &mut Files, view: &ContainerView) -> Flushed {
        let mut f = Flushed::default();
        loop {
            while self.output.front().is_some_and(|(t, _)| *t <= now) {
                if let Some((_, s)) = self.output.pop_front() {
                    f.output.push_str(&s);
                }
            }
            while self.ops.front().is_some_and(|(t, _)| *t <= now) {
                if let Some((t, op)) = self.ops.pop_front() {
                    let _ = files.apply(view, &op, t);
                }
            }
            // Waits that are over are history (the one in progress is kept).
            let keep_from = self.segment_at(now).unwrap_or(self.segments.len());
            let done = self
                .segments
                .iter()
                .take(keep_from)
                .filter(|s| s.end.is_some_and(|e| e <= now))
                .count();
            self.segments.drain(..done);
            match &self.end {
                End::Frontier { at, .. } if *at <= now => {
                    let End::Frontier {
                        at,
                        machine,
                        next_pid,
                    } = std::mem::replace(&mut self.end, End::Forever)
                    else {
                        break;
                    };
                    self.run_ahead(*machine, at, next_pid, files, view);
                    f.changed = true;
                }
                _ => break,
            }
        }
        f
    }

    /// Cuts the timeline at `now` (after flushing up to it) and returns the shell as it
    /// waits at `now`, with the PID counter; `None` if it is not waiting (it exited).
    fn cut(
        &mut self,
        now: SimTime,
        files: &mut Files,
        view: &ContainerView,
    ) -> Option<(Segment, Flushed)> {
        let flushed = self.flush(now, files, view);
        let i = self.segment_at(now)?;
        let seg = self.segments[i].clone();
        self.segments.truncate(i);
        self.output.clear();
        self.ops.clear();
        Some((seg, flushed))
    }

    /// Something outside changed what the shell will see (files written by `exec`, PIDs
    /// used): the shell's future is computed again from `now`.
    pub fn rerun_from(
        &mut self,
        now: SimTime,
        next_pid: u32,
        files: &mut Files,
        view: &ContainerView,
    ) -> Flushed {
        let Some((seg, mut flushed)) = self.cut(now, files, view) else {
            return Flushed::default();
        };
        let pid = seg.next_pid.max(next_pid);
        let mut machine = seg.machine.clone();
        let end = seg.end;
        // The wait in progress stays as it was; what follows it is run again.
        self.segments.push(Segment {
            next_pid: pid,
            ..seg
        });
        match end {
            None => self.end = End::Forever,
            Some(end) => {
                let mut scratch = files.snapshot(view);
                let mut sys = ContainerSys::new(&mut scratch, view, end, pid);
                machine.resume(0, &mut sys);
                let next = sys.next_pid;
                self.take_effects(&mut sys);
                self.run_ahead(machine, end, next, files, view);
            }
        }
        flushed.changed = true;
        flushed
    }

    /// Delivers `signal` to process `pid` at `now`. Returns whether it died.
    pub fn signal(
        &mut self,
        pid: u32,
        signal: i32,
        now: SimTime,
        files: &mut Files,
        view: &ContainerView,
    ) -> bool {
        let Some(i) = self.segment_at(now) else {
            return false;
        };
        if !self.segments[i]
            .machine
            .processes()
            .iter()
            .any(|p| p.pid == pid)
            || pid == 1
        {
            return false;
        }
        let Some((seg, _)) = self.cut(now, files, view) else {
            return false;
        };
        let mut machine = seg.machine;
        let mut scratch = files.snapshot(view);
        let mut sys = ContainerSys::new(&mut scratch, view, now, seg.next_pid);
        if machine.signal(pid, signal, &mut sys) != Signalled::Killed {
            return false;
        }
        let next = sys.next_pid;
        self.take_effects(&mut sys);
        self.run_ahead(machine, now, next, files, view);
        true
    }

    /// The main process ends at `at` (exit, SIGKILL): hands over what happened until then
    /// and forgets the rest.
    pub fn finish(&mut self, at: SimTime, files: &mut Files, view: &ContainerView) -> String {
        let f = self.flush(at, files, view);
        self.output.clear();
        self.ops.clear();
        self.segments.clear();
        self.end = End::Exited { at, code: 0 };
        f.output
    }

    /// Which PIDs a signal from `exec` may kill (not PID 1).
    pub fn signal_targets(&self, now: SimTime) -> SignalTargets {
        SignalTargets {
            killable: self
                .processes(now)
                .into_iter()
                .map(|p| p.pid)
                .filter(|p| *p != 1)
                .collect(),
            pid1_handles_term: false,
        }
    }
}
