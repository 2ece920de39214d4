//! Files, kept where Kubernetes keeps them. Each place is a `Tree` of paths:
//! - a container's own filesystem (`Rootfs`): made fresh from the image at every container
//!   start, so a restart loses what was written there;
//! - an `emptyDir` per pod and volume: survives container restarts, removed with the pod;
//! - a node's filesystem (`Node`), where `hostPath` volumes point: shared by the pods on
//!   that node, never by pods elsewhere (fact 86);
//! - a persistent volume's storage (`Pv`), keyed by PV name: outlives pods, removed when
//!   the PV is deleted (its data is gone with it).
//!
//! A container sees them through its mounts (`ContainerView`): the longest mount path that
//! prefixes a path decides which tree holds it.

use super::shell::path::{normalize, split};
use super::shell::sys::{DfRow, DirEntry, FsError, Stat};
use super::shell::vars::Vars;
use crate::sim::SimTime;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TreeId {
    Rootfs { pod_uid: String, container: String },
    EmptyDir { pod_uid: String, volume: String },
    Node(String),
    Pv(String),
}

#[derive(Clone, Debug, PartialEq)]
struct Entry {
    dir: bool,
    data: String,
    mtime: SimTime,
}

/// A directory tree: absolute paths within the tree (`/` is its root).
#[derive(Clone, Debug, PartialEq)]
pub struct Tree {
    entries: BTreeMap<String, Entry>,
}

impl Tree {
    pub fn new(at: SimTime) -> Tree {
        let mut entries = BTreeMap::new();
        entries.insert(
            "/".to_string(),
            Entry {
                dir: true,
                data: String::new(),
                mtime: at,
            },
        );
        Tree { entries }
    }

    /// `mkdir -p`.
    pub fn mkdir_all(&mut self, path: &str, at: SimTime) {
        let p = normalize(path);
        // Each ancestor `/a`, `/a/b`, … is a prefix of the normalized path: only the missing
        // ones are allocated (every container's root filesystem is built this way).
        let ends = p
            .char_indices()
            .skip(1)
            .filter(|(_, c)| *c == '/')
            .map(|(i, _)| i)
            .chain((p.len() > 1).then_some(p.len()));
        for end in ends {
            let prefix = &p[..end];
            if !self.entries.contains_key(prefix) {
                self.entries.insert(
                    prefix.to_string(),
                    Entry {
                        dir: true,
                        data: String::new(),
                        mtime: at,
                    },
                );
            }
        }
    }

    pub fn put_file(&mut self, path: &str, data: &str, at: SimTime) {
        let path = normalize(path);
        self.mkdir_all(&split(&path).0, at);
        self.entries.insert(
            path,
            Entry {
                dir: false,
                data: data.to_string(),
                mtime: at,
            },
        );
    }

    /// Bytes held, counted in 4 KiB blocks as a filesystem would (`df`'s Used).
    pub fn used_bytes(&self) -> u64 {
        self.entries
            .values()
            .filter(|e| !e.dir)
            .map(|e| (e.data.len() as u64).div_ceil(4096) * 4096)
            .sum()
    }

    fn parent_is_dir(&self, path: &str) -> Result<(), FsError> {
        let (dir, _) = split(path);
        match self.entries.get(&dir) {
            Some(e) if e.dir => Ok(()),
            Some(_) => Err(FsError::NotADirectory),
            None => Err(FsError::NotFound),
        }
    }
}

/// One mount of a container: `path` in the container shows `base` of `tree`.
#[derive(Clone, Debug, PartialEq)]
pub struct Mount {
    pub path: String,
    pub tree: TreeId,
    pub base: String,
    pub read_only: bool,
    /// What `df` shows as the filesystem, and its size in bytes.
    pub device: String,
    pub size: u64,
}

/// Everything a container's processes see of the world: mounts, hostname, environment.
#[derive(Clone, Debug, PartialEq)]
pub struct ContainerView {
    pub pod_uid: String,
    pub container: String,
    pub node: String,
    pub hostname: String,
    /// Volume mounts in the pod spec's order (the root filesystem is implicit).
    pub mounts: Vec<Mount>,
    pub env: Vars,
    pub cwd: String,
    /// The node disk's size (the root filesystem and disk-backed volumes live there).
    pub node_disk: u64,
    /// The node's memory (sizes `tmpfs` mounts).
    pub node_memory: u64,
    pub service_account: bool,
}

impl ContainerView {
    /// A view with no volumes and the default node's sizes.
    pub fn bare(pod_uid: &str, container: &str, node: &str, hostname: &str) -> ContainerView {
        ContainerView {
            pod_uid: pod_uid.into(),
            container: container.into(),
            node: node.into(),
            hostname: hostname.into(),
            mounts: Vec::new(),
            env: Vars::from_pairs([
                ("PATH".to_string(), DEFAULT_PATH.to_string()),
                ("HOSTNAME".to_string(), hostname.to_string()),
                ("HOME".to_string(), "/root".to_string()),
            ]),
            cwd: "/".into(),
            node_disk: 100 << 30,
            node_memory: 8 << 30,
            service_account: true,
        }
    }

    pub fn rootfs(&self) -> TreeId {
        TreeId::Rootfs {
            pod_uid: self.pod_uid.clone(),
            container: self.container.clone(),
        }
    }

    /// The tree and the path within it that hold `path` (absolute, normalised).
    pub fn resolve(&self, path: &str) -> (TreeId, String, bool) {
        let path = normalize(path);
        let best = self
            .mounts
            .iter()
            .filter(|m| {
                path == m.path || path.starts_with(&format!("{}/", m.path)) || m.path == "/"
            })
            .max_by_key(|m| m.path.len());
        match best {
            Some(m) => {
                let rest = &path[m.path.len().min(path.len())..];
                (
                    m.tree.clone(),
                    normalize(&format!("{}/{rest}", m.base)),
                    m.read_only,
                )
            }
            None => (self.rootfs(), path, false),
        }
    }
}

/// `PATH` in the images klab models.
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Space the root filesystem's image and the node's own files take (df's Used for `/`).
const NODE_DISK_BASE_USED: u64 = 12 << 30;
/// `tmpfs` on `/dev` and `shm` on `/dev/shm`: 64 MiB, as container runtimes mount them.
const DEV_TMPFS: u64 = 64 << 20;

#[derive(Clone, Debug, Default)]
pub struct Files {
    trees: BTreeMap<TreeId, Tree>,
}

/// A file change, replayed at its time (for a container's script run ahead of time).
#[derive(Clone, Debug, PartialEq)]
pub enum FileOp {
    Write {
        path: String,
        data: String,
        append: bool,
    },
    Mkdir {
        path: String,
    },
    Remove {
        path: String,
    },
    Touch {
        path: String,
    },
}

impl Files {
    pub fn tree(&self, id: &TreeId) -> Option<&Tree> {
        self.trees.get(id)
    }

    pub fn insert_tree(&mut self, id: TreeId, tree: Tree) {
        self.trees.insert(id, tree);
    }

    /// Drops a tree (a PV deleted, a pod gone).
    pub fn remove_tree(&mut self, id: &TreeId) {
        self.trees.remove(id);
    }

    /// Drops every tree of a pod: its containers' filesystems and its emptyDirs.
    /// Trees are ordered by (kind, pod uid, name), so each kind of the pod's trees is one
    /// contiguous range: the cost is the pod's own trees, not every tree on the cluster.
    pub fn remove_pod(&mut self, pod_uid: &str) {
        let rootfs = TreeId::Rootfs {
            pod_uid: pod_uid.to_string(),
            container: String::new(),
        };
        let empty_dir = TreeId::EmptyDir {
            pod_uid: pod_uid.to_string(),
            volume: String::new(),
        };
        let mut doomed = Vec::new();
        for (id, _) in self.trees.range(rootfs..) {
            match id {
                TreeId::Rootfs { pod_uid: u, .. } if u == pod_uid => doomed.push(id.clone()),
                _ => break,
            }
        }
        for (id, _) in self.trees.range(empty_dir..) {
            match id {
                TreeId::EmptyDir { pod_uid: u, .. } if u == pod_uid => doomed.push(id.clone()),
                _ => break,
            }
        }
        for id in doomed {
            self.trees.remove(&id);
        }
    }

    /// Makes sure the trees a container mounts exist (emptyDir and PV trees are created
    /// empty; hostPath directories are created on the node, as `DirectoryOrCreate` does),
    /// and gives the container a fresh root filesystem from its image.
    pub fn prepare_container(&mut self, view: &ContainerView, image: &str, at: SimTime) {
        let mut root = image_rootfs(image, &view.hostname, at);
        for m in &view.mounts {
            root.mkdir_all(&m.path, at);
            let tree = self
                .trees
                .entry(m.tree.clone())
                .or_insert_with(|| Tree::new(at));
            tree.mkdir_all(&m.base, at);
        }
        self.trees.insert(view.rootfs(), root);
    }

    /// Copies of the trees a container sees, to run its script ahead on.
    pub fn snapshot(&self, view: &ContainerView) -> Files {
        let mut ids = vec![view.rootfs()];
        ids.extend(view.mounts.iter().map(|m| m.tree.clone()));
        Files {
            trees: ids
                .into_iter()
                .filter_map(|id| self.trees.get(&id).map(|t| (id, t.clone())))
                .collect(),
        }
    }

    fn entry(&self, view: &ContainerView, path: &str) -> Option<(&Entry, String)> {
        let (id, p, _) = view.resolve(path);
        self.trees.get(&id)?.entries.get(&p).map(|e| (e, p))
    }

    pub fn read(&self, view: &ContainerView, path: &str) -> Result<String, FsError> {
        match self.entry(view, path) {
            Some((e, _)) if e.dir => Err(FsError::IsADirectory),
            Some((e, _)) => Ok(e.data.clone()),
            None => Err(FsError::NotFound),
        }
    }

    pub fn stat(&self, view: &ContainerView, path: &str) -> Option<Stat> {
        self.entry(view, path).map(|(e, _)| Stat {
            is_dir: e.dir,
            size: if e.dir { 4096 } else { e.data.len() },
            mtime: e.mtime,
        })
    }

    pub fn list(&self, view: &ContainerView, path: &str) -> Result<Vec<DirEntry>, FsError> {
        let (id, p, _) = view.resolve(path);
        let tree = self.trees.get(&id).ok_or(FsError::NotFound)?;
        match tree.entries.get(&p) {
            Some(e) if e.dir => {}
            Some(_) => return Err(FsError::NotADirectory),
            None => return Err(FsError::NotFound),
        }
        let prefix = if p == "/" {
            "/".to_string()
        } else {
            format!("{p}/")
        };
        let mut out: Vec<DirEntry> = tree
            .entries
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, _)| !k[prefix.len()..].contains('/') && k.len() > prefix.len())
            .map(|(k, e)| DirEntry {
                name: k[prefix.len()..].to_string(),
                is_dir: e.dir,
                size: if e.dir { 4096 } else { e.data.len() },
                mtime: e.mtime,
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Applies one change at time `at`.
    pub fn apply(&mut self, view: &ContainerView, op: &FileOp, at: SimTime) -> Result<(), FsError> {
        let path = match op {
            FileOp::Write { path, .. }
            | FileOp::Mkdir { path }
            | FileOp::Remove { path }
            | FileOp::Touch { path } => path,
        };
        let (id, p, read_only) = view.resolve(path);
        if read_only {
            return Err(FsError::ReadOnly);
        }
        let tree = self.trees.entry(id).or_insert_with(|| Tree::new(at));
        match op {
            FileOp::Write { data, append, .. } => {
                tree.parent_is_dir(&p)?;
                match tree.entries.get_mut(&p) {
                    Some(e) if e.dir => return Err(FsError::IsADirectory),
                    Some(e) => {
                        if !append {
                            e.data.clear();
                        }
                        e.data.push_str(data);
                        e.mtime = at;
                    }
                    None => {
                        tree.entries.insert(
                            p,
                            Entry {
                                dir: false,
                                data: data.clone(),
                                mtime: at,
                            },
                        );
                    }
                }
            }
            FileOp::Touch { .. } => {
                tree.parent_is_dir(&p)?;
                match tree.entries.get_mut(&p) {
                    Some(e) => e.mtime = at,
                    None => {
                        tree.entries.insert(
                            p,
                            Entry {
                                dir: false,
                                data: String::new(),
                                mtime: at,
                            },
                        );
                    }
                }
            }
            FileOp::Mkdir { .. } => {
                if tree.entries.contains_key(&p) {
                    return Err(FsError::Exists);
                }
                tree.parent_is_dir(&p)?;
                tree.entries.insert(
                    p,
                    Entry {
                        dir: true,
                        data: String::new(),
                        mtime: at,
                    },
                );
            }
            FileOp::Remove { .. } => {
                if !tree.entries.contains_key(&p) {
                    return Err(FsError::NotFound);
                }
                if p == "/"
                    || view
                        .mounts
                        .iter()
                        .any(|m| normalize(&m.path) == normalize(path))
                {
                    // A mount point (or a volume's root) cannot be removed.
                    return Err(FsError::Busy);
                }
                let prefix = format!("{p}/");
                tree.entries
                    .retain(|k, _| *k != p && !k.starts_with(&prefix));
            }
        }
        Ok(())
    }

    /// What `df` shows in this container.
    pub fn df(&self, view: &ContainerView) -> Vec<DfRow> {
        let node_used = NODE_DISK_BASE_USED
            + self
                .trees
                .get(&TreeId::Node(view.node.clone()))
                .map_or(0, Tree::used_bytes);
        let used_of = |id: &TreeId| self.trees.get(id).map_or(0, Tree::used_bytes);
        let mut rows = vec![
            DfRow {
                filesystem: "overlay".into(),
                size: view.node_disk,
                used: node_used + used_of(&view.rootfs()),
                mount: "/".into(),
            },
            DfRow {
                filesystem: "tmpfs".into(),
                size: DEV_TMPFS,
                used: 0,
                mount: "/dev".into(),
            },
        ];
        let mut disk_rows = 0;
        for m in &view.mounts {
            let used = used_of(&m.tree);
            let (size, used) = if m.device == "/dev/sda1" {
                disk_rows += 1;
                (view.node_disk, node_used)
            } else {
                (m.size, used)
            };
            rows.push(DfRow {
                filesystem: m.device.clone(),
                size,
                used,
                mount: m.path.clone(),
            });
        }
        if disk_rows == 0 {
            // The kubelet's files (/etc/hosts, /etc/hostname, …) live on the node disk; df
            // shows that device once, at its first mount.
            rows.push(DfRow {
                filesystem: "/dev/sda1".into(),
                size: view.node_disk,
                used: node_used,
                mount: "/etc/hosts".into(),
            });
        }
        rows.push(DfRow {
            filesystem: "shm".into(),
            size: DEV_TMPFS,
            used: 0,
            mount: "/dev/shm".into(),
        });
        if view.service_account {
            rows.push(DfRow {
                filesystem: "tmpfs".into(),
                size: view.node_memory,
                used: 12 << 10,
                mount: "/run/secrets/kubernetes.io/serviceaccount".into(),
            });
        }
        rows
    }
}

/// Files every image has, plus what the image is known to ship (nginx's pages).
/// A container's fresh root filesystem: its image's tree (built once per image family and
/// copied, since every started container needs one), stamped `at`, with its hostname.
fn image_rootfs(image: &str, hostname: &str, at: SimTime) -> Tree {
    let name = image.rsplit('/').next().unwrap_or(image);
    let repo = name.split([':', '@']).next().unwrap_or(name);
    let family = match repo {
        "nginx" | "httpd" => repo,
        _ => "",
    };
    thread_local! {
        static TEMPLATES: std::cell::RefCell<BTreeMap<String, Tree>> = Default::default();
    }
    let mut t = TEMPLATES.with(|cache| {
        cache
            .borrow_mut()
            .entry(family.to_string())
            .or_insert_with(|| image_template(family))
            .clone()
    });
    for e in t.entries.values_mut() {
        e.mtime = at;
    }
    t.put_file("/etc/hostname", &format!("{hostname}\n"), at);
    t
}

fn image_template(repo: &str) -> Tree {
    let at = SimTime(0);
    let mut t = Tree::new(at);
    for d in [
        "/bin",
        "/dev",
        "/etc",
        "/home",
        "/lib",
        "/mnt",
        "/opt",
        "/proc",
        "/root",
        "/run",
        "/sbin",
        "/srv",
        "/sys",
        "/tmp",
        "/usr/bin",
        "/usr/local",
        "/usr/share",
        "/var/log",
        "/var/tmp",
    ] {
        t.mkdir_all(d, at);
    }
    t.put_file(
        "/etc/resolv.conf",
        "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
        at,
    );
    if repo == "nginx" {
        t.put_file("/usr/share/nginx/html/index.html", NGINX_INDEX, at);
        t.put_file("/usr/share/nginx/html/50x.html", NGINX_50X, at);
    } else if repo == "httpd" {
        t.put_file(
            "/usr/local/apache2/htdocs/index.html",
            "<html><body><h1>It works!</h1></body></html>\n",
            at,
        );
    }
    t
}

const NGINX_INDEX: &str = "<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
    body {
        width: 35em;
        margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif;
    }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href=\"http://nginx.org/\">nginx.org</a>.<br/>
Commercial support is available at
<a href=\"http://nginx.com/\">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
";

const NGINX_50X: &str = "<!DOCTYPE html>
<html>
<head>
<title>Error</title>
<style>
    body {
        width: 35em;
        margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif;
    }
</style>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
";

#[cfg(test)]
mod tests {
    use super::*;

    fn view(mounts: Vec<Mount>) -> ContainerView {
        ContainerView {
            pod_uid: "u1".into(),
            container: "c".into(),
            node: "node-1".into(),
            hostname: "web-0".into(),
            mounts,
            env: Vars::default(),
            cwd: "/".into(),
            node_disk: 100 << 30,
            node_memory: 8 << 30,
            service_account: false,
        }
    }

    fn pv_mount() -> Mount {
        Mount {
            path: "/usr/share/nginx/html".into(),
            tree: TreeId::Pv("pvc-1".into()),
            base: "/".into(),
            read_only: false,
            device: "/dev/sdb".into(),
            size: 1_000_000_000,
        }
    }

    #[test]
    fn removing_a_pod_drops_its_root_filesystems_and_empty_dirs_only() {
        let mut f = Files::default();
        let t = Tree::new(SimTime(0));
        let ids = |uid: &str| {
            vec![
                TreeId::Rootfs {
                    pod_uid: uid.into(),
                    container: "a".into(),
                },
                TreeId::Rootfs {
                    pod_uid: uid.into(),
                    container: "b".into(),
                },
                TreeId::EmptyDir {
                    pod_uid: uid.into(),
                    volume: "cache".into(),
                },
            ]
        };
        for id in ids("u1").into_iter().chain(ids("u2")).chain(ids("u0")) {
            f.trees.insert(id, t.clone());
        }
        f.trees.insert(TreeId::Node("node-1".into()), t.clone());
        f.trees.insert(TreeId::Pv("pvc-1".into()), t);
        f.remove_pod("u1");
        let left: Vec<&TreeId> = f.trees.keys().collect();
        assert_eq!(left.len(), 8);
        assert!(ids("u1").iter().all(|id| !f.trees.contains_key(id)));
        assert!(ids("u0")
            .iter()
            .chain(&ids("u2"))
            .all(|id| f.trees.contains_key(id)));
    }

    #[test]
    fn the_longest_mount_decides_where_a_path_lives() {
        let v = view(vec![pv_mount()]);
        assert_eq!(
            v.resolve("/usr/share/nginx/html/a.html"),
            (TreeId::Pv("pvc-1".into()), "/a.html".into(), false)
        );
        assert_eq!(
            v.resolve("/usr/share/nginx/html"),
            (TreeId::Pv("pvc-1".into()), "/".into(), false)
        );
        assert_eq!(v.resolve("/usr/share/nginx/htmlx").0, v.rootfs());
    }

    #[test]
    fn a_volume_mount_hides_the_image_files_below_it() {
        let mut f = Files::default();
        let v = view(vec![pv_mount()]);
        f.prepare_container(&v, "nginx:1.16", SimTime(0));
        assert!(f.list(&v, "/usr/share/nginx/html").unwrap().is_empty());
        let plain = view(vec![]);
        let mut g = Files::default();
        g.prepare_container(&plain, "nginx:1.16", SimTime(0));
        let names: Vec<String> = g
            .list(&plain, "/usr/share/nginx/html")
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, vec!["50x.html", "index.html"]);
    }

    #[test]
    fn a_restart_gives_a_fresh_root_filesystem_but_keeps_volumes() {
        let mut f = Files::default();
        let v = view(vec![pv_mount()]);
        f.prepare_container(&v, "nginx", SimTime(0));
        let w = |p: &str| FileOp::Write {
            path: p.into(),
            data: "x".into(),
            append: false,
        };
        f.apply(&v, &w("/tmp/scratch"), SimTime(1)).unwrap();
        f.apply(&v, &w("/usr/share/nginx/html/keep"), SimTime(1))
            .unwrap();
        f.prepare_container(&v, "nginx", SimTime(2));
        assert_eq!(f.read(&v, "/tmp/scratch"), Err(FsError::NotFound));
        assert_eq!(f.read(&v, "/usr/share/nginx/html/keep").unwrap(), "x");
    }

    #[test]
    fn mount_points_cannot_be_removed_and_read_only_mounts_refuse_writes() {
        let mut f = Files::default();
        let mut m = pv_mount();
        let v = view(vec![m.clone()]);
        f.prepare_container(&v, "nginx", SimTime(0));
        assert_eq!(
            f.apply(
                &v,
                &FileOp::Remove {
                    path: "/usr/share/nginx/html".into()
                },
                SimTime(1)
            ),
            Err(FsError::Busy)
        );
        m.read_only = true;
        let ro = view(vec![m]);
        let w = FileOp::Write {
            path: "/usr/share/nginx/html/x".into(),
            data: String::new(),
            append: false,
        };
        assert_eq!(f.apply(&ro, &w, SimTime(1)), Err(FsError::ReadOnly));
    }

    #[test]
    fn df_shows_the_pv_at_its_mount_path() {
        let f = Files::default();
        let rows = f.df(&view(vec![pv_mount()]));
        let pv = rows
            .iter()
            .find(|r| r.mount == "/usr/share/nginx/html")
            .unwrap();
        assert_eq!(
            (pv.filesystem.as_str(), pv.size),
            ("/dev/sdb", 1_000_000_000)
        );
        assert_eq!(rows[0].mount, "/");
    }
}
