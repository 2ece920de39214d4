//! The simulation's sources of time and chance: the virtual clock, the timer queue and the
//! one seeded random generator. Nothing here reads the wall clock.

pub mod clock;
pub mod rng;
pub mod timers;

pub use clock::{parse_duration, SimDuration, SimTime};
pub use rng::SimRng;
pub use timers::{TimerClass, Timers};
