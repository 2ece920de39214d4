//! Shell variables in the order they were first set, which is the order `env` prints the
//! environment in (the container runtime's order: PATH, HOSTNAME, the pod's env, …).

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Vars {
    entries: Vec<(String, String)>,
}

impl Vars {
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Vars {
        let mut v = Vars::default();
        for (k, val) in pairs {
            v.set(&k, &val);
        }
        v
    }
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn set(&mut self, name: &str, value: &str) {
        match self.entries.iter_mut().find(|(k, _)| k == name) {
            Some(e) => e.1 = value.to_string(),
            None => self.entries.push((name.to_string(), value.to_string())),
        }
    }
    pub fn unset(&mut self, name: &str) {
        self.entries.retain(|(k, _)| k != name);
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}
