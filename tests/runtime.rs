//! Scenarios inside and around pods, driving a `Cluster` directly: files and volumes,
//! exec and logs, restarts, graceful termination, storage, garbage collection, PodGC and
//! node failure. Each cites the reference fact it pins down.

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim, Pod};
use klab::api::{Kind, ObjKey, Object};
use klab::runtime::{exec, logs};
use klab::sim::SimDuration;
use klab::store::{DeleteOptions, Propagation};
use klab::{Cluster, ClusterConfig};
use serde_json::{json, Value};

fn cluster() -> Cluster {
    Cluster::new(ClusterConfig::default())
}

fn seeded(seed: u64) -> Cluster {
    Cluster::new(ClusterConfig {
        seed,
        ..ClusterConfig::default()
    })
}

fn secs(n: i64) -> SimDuration {
    SimDuration::from_secs(n)
}

fn pod_key(name: &str) -> ObjKey {
    ObjKey::new(Kind::Pod, "default", name)
}

fn create(c: &mut Cluster, obj: Object) {
    c.world.create(obj).expect("created");
    c.reconcile_now().expect("settles");
}

/// A pod from a JSON spec (`metadata.name` and namespace added).
fn pod(name: &str, spec: Value) -> Object {
    let p: Pod = serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": "default"},
        "spec": spec,
    }))
    .expect("a valid pod");
    Object::Pod(p)
}

fn pvc(name: &str, spec: Value) -> Object {
    let p: PersistentVolumeClaim = serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": "default"},
        "spec": spec,
    }))
    .expect("a valid claim");
    Object::PersistentVolumeClaim(p)
}

fn get(c: &Cluster, key: &ObjKey) -> Option<Value> {
    c.object(key).map(|o| o.to_json())
}

fn phase(c: &Cluster, name: &str) -> String {
    get(c, &pod_key(name))
        .map(|p| p["status"]["phase"].as_str().unwrap_or("").to_string())
        .unwrap_or_else(|| "<gone>".into())
}

fn sh(c: &mut Cluster, pod: &str, script: &str) -> klab::runtime::ExecOutput {
    c.exec(
        &pod_key(pod),
        None,
        &["sh".into(), "-c".into(), script.into()],
    )
    .expect("exec starts")
}

fn events(c: &Cluster, object: &str) -> Vec<(String, String, String)> {
    c.world
        .events
        .occurrences()
        .filter(|o| o.object == object)
        .map(|o| (o.type_.clone(), o.reason.clone(), o.message.clone()))
        .collect()
}

fn on_node(node: &str) -> Value {
    json!({"kubernetes.io/hostname": node})
}

#[test]
fn empty_dir_survives_a_container_restart_but_not_the_pod_fact_86() {
    let mut c = cluster();
    let spec = json!({
        "containers": [{"name": "c", "image": "nginx:1.16", "volumeMounts": [{"name": "cache", "mountPath": "/cache"}]}],
        "volumes": [{"name": "cache", "emptyDir": {}}],
    });
    create(&mut c, pod("web", spec.clone()));
    c.advance(secs(2)).unwrap();
    let ip = get(&c, &pod_key("web")).unwrap()["status"]["podIP"].clone();
    assert_eq!(
        sh(&mut c, "web", "echo kept > /cache/a; echo lost > /tmp/b").exit_code,
        0
    );
    c.kill(&pod_key("web"), None, 137).unwrap();
    assert_eq!(
        get(&c, &pod_key("web")).unwrap()["status"]["containerStatuses"][0]["restartCount"],
        1,
        "restarted at once"
    );
    c.advance(secs(2)).unwrap();
    let p = get(&c, &pod_key("web")).unwrap();
    assert_eq!(p["status"]["containerStatuses"][0]["restartCount"], 1);
    assert_eq!(
        p["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"],
        137
    );
    assert_eq!(
        p["status"]["podIP"], ip,
        "a container restart keeps the pod IP (fact 84)"
    );
    assert_eq!(sh(&mut c, "web", "cat /cache/a").stdout, "kept\n");
    let lost = sh(&mut c, "web", "cat /tmp/b");
    assert_eq!(
        (lost.exit_code, lost.stderr.as_str()),
        (1, "cat: /tmp/b: No such file or directory\n")
    );
    // A new pod of the same name gets a new emptyDir (and a new IP).
    c.world
        .store
        .delete(&pod_key("web"), &DeleteOptions::default(), c.now())
        .unwrap();
    c.advance(secs(1)).unwrap();
    assert_eq!(
        phase(&c, "web"),
        "<gone>",
        "nginx exits on SIGTERM at once (fact 85)"
    );
    create(&mut c, pod("web", spec));
    c.advance(secs(2)).unwrap();
    assert_eq!(sh(&mut c, "web", "ls /cache").stdout, "");
    assert_ne!(get(&c, &pod_key("web")).unwrap()["status"]["podIP"], ip);
}

#[test]
fn host_path_is_shared_on_one_node_only_fact_86() {
    let mut c = cluster();
    let spec = |node: &str| {
        json!({
            "nodeSelector": on_node(node),
            "containers": [{"name": "c", "image": "nginx", "volumeMounts": [{"name": "h", "mountPath": "/data"}]}],
            "volumes": [{"name": "h", "hostPath": {"path": "/srv/shared", "type": "DirectoryOrCreate"}}],
        })
    };
    create(&mut c, pod("a", spec("node-1")));
    create(&mut c, pod("b", spec("node-1")));
    create(&mut c, pod("x", spec("node-2")));
    c.advance(secs(2)).unwrap();
    sh(&mut c, "a", "echo from-a > /data/f");
    assert_eq!(sh(&mut c, "b", "cat /data/f").stdout, "from-a\n");
    assert_eq!(sh(&mut c, "x", "cat /data/f").exit_code, 1);
}

fn web_with_claim(name: &str, claim: &str) -> Object {
    pod(
        name,
        json!({
            "containers": [{"name": "nginx-container", "image": "nginx:1.16",
                            "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}],
            "volumes": [{"name": "www", "persistentVolumeClaim": {"claimName": claim}}],
        }),
    )
}

#[test]
fn a_claim_gets_a_provisioned_volume_of_its_size_facts_71_78() {
    let mut c = cluster();
    create(
        &mut c,
        pvc(
            "www-web-0",
            json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1G"}}}),
        ),
    );
    let claim = get(
        &c,
        &ObjKey::new(Kind::PersistentVolumeClaim, "default", "www-web-0"),
    )
    .unwrap();
    let uid = claim["metadata"]["uid"].as_str().unwrap().to_string();
    assert_eq!(claim["status"]["phase"], "Bound");
    assert_eq!(claim["spec"]["storageClassName"], "standard");
    assert_eq!(claim["spec"]["volumeName"], format!("pvc-{uid}"));
    assert_eq!(claim["status"]["capacity"]["storage"], "1G");
    assert_eq!(
        claim["metadata"]["finalizers"],
        json!(["kubernetes.io/pvc-protection"])
    );
    assert_eq!(
        claim["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"],
        "yes"
    );
    let pv = get(
        &c,
        &ObjKey::new(Kind::PersistentVolume, "", &format!("pvc-{uid}")),
    )
    .unwrap();
    assert_eq!(pv["spec"]["capacity"]["storage"], "1G");
    assert_eq!(pv["spec"]["persistentVolumeReclaimPolicy"], "Delete");
    assert_eq!(pv["spec"]["claimRef"]["uid"], uid);
    assert_eq!(pv["status"]["phase"], "Bound");
    assert_eq!(
        pv["metadata"]["annotations"]["pv.kubernetes.io/provisioned-by"],
        "klab.dev/simulated"
    );
    assert_eq!(
        pv["metadata"]["finalizers"],
        json!(["kubernetes.io/pv-protection"])
    );
    let reasons: Vec<String> = events(&c, "persistentvolumeclaim/www-web-0")
        .into_iter()
        .map(|e| e.1)
        .collect();
    assert_eq!(
        reasons,
        vec![
            "ExternalProvisioning",
            "Provisioning",
            "ProvisioningSucceeded"
        ]
    );
}

#[test]
fn a_pv_keeps_its_files_across_pods_and_df_shows_its_size_fact_65() {
    let mut c = cluster();
    create(
        &mut c,
        pvc(
            "www",
            json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1G"}}}),
        ),
    );
    create(&mut c, web_with_claim("web-0", "www"));
    c.advance(secs(2)).unwrap();
    let df = sh(&mut c, "web-0", "df -h");
    let line = df
        .stdout
        .lines()
        .find(|l| l.ends_with(" /usr/share/nginx/html"))
        .expect("the PV is mounted");
    assert_eq!(
        line,
        "/dev/sdb        954M     0  954M   0% /usr/share/nginx/html"
    );
    assert_eq!(
        sh(&mut c, "web-0", "ls /usr/share/nginx/html").stdout,
        "",
        "the volume hides the image's pages"
    );
    sh(
        &mut c,
        "web-0",
        "echo sample > /usr/share/nginx/html/sample.html",
    );
    c.world
        .store
        .delete(&pod_key("web-0"), &DeleteOptions::default(), c.now())
        .unwrap();
    c.advance(secs(1)).unwrap();
    assert_eq!(phase(&c, "web-0"), "<gone>");
    create(&mut c, web_with_claim("web-0", "www"));
    c.advance(secs(2)).unwrap();
    assert_eq!(
        sh(&mut c, "web-0", "cat /usr/share/nginx/html/sample.html").stdout,
        "sample\n"
    );
}

#[test]
fn a_claim_in_use_stays_terminating_and_delete_reclaims_the_volume_facts_72_76() {
    let mut c = cluster();
    create(
        &mut c,
        pvc(
            "www",
            json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}),
        ),
    );
    create(&mut c, web_with_claim("web-0", "www"));
    c.advance(secs(2)).unwrap();
    let claim_key = ObjKey::new(Kind::PersistentVolumeClaim, "default", "www");
    let pv_name = get(&c, &claim_key).unwrap()["spec"]["volumeName"]
        .as_str()
        .unwrap()
        .to_string();
    sh(&mut c, "web-0", "echo x > /usr/share/nginx/html/x");
    c.world
        .store
        .delete(&claim_key, &DeleteOptions::default(), c.now())
        .unwrap();
    c.advance(secs(60)).unwrap();
    let claim = get(&c, &claim_key).expect("held by pvc-protection while the pod exists");
    assert!(claim["metadata"]["deletionTimestamp"].is_string());
    c.world
        .store
        .delete(&pod_key("web-0"), &DeleteOptions::default(), c.now())
        .unwrap();
    c.advance(secs(1)).unwrap();
    assert!(get(&c, &claim_key).is_none());
    assert!(
        get(&c, &ObjKey::new(Kind::PersistentVolume, "", &pv_name)).is_none(),
        "reclaim Delete removes the PV"
    );
    assert!(
        c.world
            .runtime
            .files
            .tree(&klab::runtime::TreeId::Pv(pv_name))
            .is_none(),
        "and its data"
    );
}

#[test]
fn a_retained_volume_is_released_and_does_not_rebind_fact_74() {
    let mut c = cluster();
    let pv: PersistentVolume = serde_json::from_value(json!({
        "metadata": {"name": "manual"},
        "spec": {"capacity": {"storage": "2Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": "",
                 "persistentVolumeReclaimPolicy": "Retain", "nfs": {"server": "nfs.example", "path": "/x"}},
    }))
    .unwrap();
    create(&mut c, Object::PersistentVolume(pv));
    let pv_key = ObjKey::new(Kind::PersistentVolume, "", "manual");
    assert_eq!(get(&c, &pv_key).unwrap()["status"]["phase"], "Available");
    let spec = json!({"storageClassName": "", "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}});
    create(&mut c, pvc("data", spec.clone()));
    let claim_key = ObjKey::new(Kind::PersistentVolumeClaim, "default", "data");
    let claim = get(&c, &claim_key).unwrap();
    assert_eq!(claim["spec"]["volumeName"], "manual");
    assert_eq!(
        claim["status"]["capacity"]["storage"], "2Gi",
        "a claim shows the volume's capacity (fact 78)"
    );
    let old_uid = claim["metadata"]["uid"].clone();
    c.world
        .store
        .delete(&claim_key, &DeleteOptions::default(), c.now())
        .unwrap();
    c.reconcile_now().unwrap();
    let pv = get(&c, &pv_key).unwrap();
    assert_eq!(pv["status"]["phase"], "Released");
    assert_eq!(pv["spec"]["claimRef"]["uid"], old_uid);
    create(&mut c, pvc("data", spec));
    c.advance(secs(30)).unwrap();
    assert_eq!(get(&c, &claim_key).unwrap()["status"]["phase"], "Pending");
    assert_eq!(get(&c, &pv_key).unwrap()["status"]["phase"], "Released");
}

#[test]
fn an_unknown_storage_class_leaves_the_claim_and_its_pod_pending() {
    let mut c = cluster();
    create(
        &mut c,
        pvc(
            "x",
            json!({"storageClassName": "fast", "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}),
        ),
    );
    create(&mut c, web_with_claim("web-0", "x"));
    c.advance(secs(10)).unwrap();
    let claim = get(
        &c,
        &ObjKey::new(Kind::PersistentVolumeClaim, "default", "x"),
    )
    .unwrap();
    assert_eq!(claim["status"]["phase"], "Pending");
    assert!(events(&c, "persistentvolumeclaim/x").contains(&(
        "Warning".into(),
        "ProvisioningFailed".into(),
        "storageclass.storage.k8s.io \"fast\" not found".into()
    )));
    assert_eq!(phase(&c, "web-0"), "Pending");
    let msg = "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    assert!(events(&c, "pod/web-0").contains(&(
        "Warning".into(),
        "FailedScheduling".into(),
        msg.into()
    )));
}

#[test]
fn crash_loop_timing_through_the_kubelet_fact_82() {
    let mut c = cluster();
    create(
        &mut c,
        pod(
            "crash",
            json!({"containers": [{"name": "c", "image": "busybox", "command": ["sh", "-c", "exit 1"]}]}),
        ),
    );
    let t0 = c.now();
    let mut restarts = Vec::new();
    let mut last = 0;
    while (c.now() - t0).secs() < 200 {
        c.step().unwrap();
        let p = get(&c, &pod_key("crash")).unwrap();
        let n = p["status"]["containerStatuses"][0]["restartCount"]
            .as_i64()
            .unwrap_or(0);
        if n != last {
            restarts.push((c.now() - t0).secs());
            last = n;
        }
    }
    // Created at 1s, crashes at once: restart at 1 (immediate), then 10s, 20s, 40s, 80s.
    assert_eq!(restarts, vec![1, 11, 31, 71, 151]);
    c.advance(secs(5)).unwrap();
    let p = get(&c, &pod_key("crash")).unwrap();
    let waiting = &p["status"]["containerStatuses"][0]["state"]["waiting"];
    assert_eq!(waiting["reason"], "CrashLoopBackOff");
    let uid = p["metadata"]["uid"].as_str().unwrap();
    assert_eq!(
        waiting["message"],
        format!("back-off 2m40s restarting failed container=c pod=crash_default({uid})")
    );
    assert_eq!(
        p["status"]["phase"], "Running",
        "restartPolicy Always keeps the phase Running (T15)"
    );
    let backoffs = events(&c, "pod/crash")
        .iter()
        .filter(|e| e.1 == "BackOff")
        .count();
    assert!(backoffs >= 8, "{backoffs}");
}

#[test]
fn graceful_termination_sleep_takes_the_grace_period_nginx_does_not_fact_85() {
    let mut c = cluster();
    create(
        &mut c,
        pod(
            "sleeper",
            json!({"containers": [{"name": "c", "image": "busybox", "command": ["sleep", "3600"]}]}),
        ),
    );
    create(
        &mut c,
        pod(
            "web",
            json!({"containers": [{"name": "c", "image": "nginx"}]}),
        ),
    );
    c.advance(secs(2)).unwrap();
    for name in ["sleeper", "web"] {
        c.world
            .store
            .delete(&pod_key(name), &DeleteOptions::default(), c.now())
            .unwrap();
    }
    c.reconcile_now().unwrap();
    assert_eq!(phase(&c, "web"), "<gone>");
    assert!(get(&c, &pod_key("sleeper")).unwrap()["metadata"]["deletionTimestamp"].is_string());
    c.advance(secs(29)).unwrap();
    assert_ne!(phase(&c, "sleeper"), "<gone>");
    c.advance(secs(1)).unwrap();
    assert_eq!(phase(&c, "sleeper"), "<gone>");
    assert!(events(&c, "pod/sleeper").contains(&(
        "Normal".into(),
        "Killing".into(),
        "Stopping container c".into()
    )));
}

#[test]
fn killing_the_sleep_under_a_shell_fails_the_pod_with_137() {
    let mut c = cluster();
    create(
        &mut c,
        pod(
            "job-pod",
            json!({"restartPolicy": "Never", "containers": [{"name": "tools-container", "image": "amsy810/tools:v2.0", "command": ["sh", "-c"], "args": ["$(sleep 3600)"]}]}),
        ),
    );
    c.advance(secs(5)).unwrap();
    let ps = exec(
        &mut c.world,
        &pod_key("job-pod"),
        None,
        &["ps".into(), "-ef".into()],
    )
    .unwrap();
    let lines: Vec<&str> = ps.stdout.lines().collect();
    assert!(
        lines[1].contains("sh -c $(sleep 3600)") && lines[1].contains("    1     0"),
        "{}",
        ps.stdout
    );
    assert!(lines[2].ends_with("sleep 3600"), "{}", ps.stdout);
    // kill 1 does nothing: a PID-1 shell without handlers ignores it.
    assert_eq!(sh(&mut c, "job-pod", "kill 1").exit_code, 0);
    c.advance(secs(1)).unwrap();
    assert_eq!(phase(&c, "job-pod"), "Running");
    let out = sh(&mut c, "job-pod", "kill -9 `pgrep sleep`");
    assert_eq!((out.exit_code, out.stderr.as_str()), (0, ""));
    let p = get(&c, &pod_key("job-pod")).unwrap();
    assert_eq!(p["status"]["phase"], "Failed");
    assert_eq!(
        p["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"],
        137
    );
    assert_eq!(
        p["status"]["containerStatuses"][0]["state"]["terminated"]["reason"],
        "Error"
    );
}

#[test]
fn exec_errors_are_kubectls() {
    let mut c = cluster();
    create(
        &mut c,
        pod(
            "web",
            json!({"containers": [{"name": "c", "image": "nginx"}]}),
        ),
    );
    let argv = vec!["ls".to_string()];
    assert_eq!(
        exec(&mut c.world, &pod_key("nope"), None, &argv).unwrap_err(),
        "Error from server (NotFound): pods \"nope\" not found"
    );
    assert_eq!(
        exec(&mut c.world, &pod_key("web"), None, &argv).unwrap_err(),
        "error: unable to upgrade connection: container not found (\"c\")",
        "still ContainerCreating"
    );
    c.advance(secs(2)).unwrap();
    assert_eq!(
        exec(&mut c.world, &pod_key("web"), Some("x"), &argv).unwrap_err(),
        "Error from server (BadRequest): container x is not valid for pod web"
    );
    let out = exec(&mut c.world, &pod_key("web"), None, &["foo".into()]).unwrap();
    assert_eq!(
        (out.exit_code, out.stderr.as_str()),
        (127, "sh: foo: not found\n")
    );
    assert_eq!(
        exec(&mut c.world, &pod_key("web"), None, &["hostname".into()])
            .unwrap()
            .stdout,
        "web\n"
    );
    create(
        &mut c,
        pod(
            "done",
            json!({"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox", "command": ["true"]}]}),
        ),
    );
    c.advance(secs(2)).unwrap();
    assert_eq!(
        exec(&mut c.world, &pod_key("done"), None, &argv).unwrap_err(),
        "error: cannot exec into a container in a completed pod; current phase is Succeeded"
    );
}

#[test]
fn logs_show_what_was_printed_and_previous_needs_a_restart() {
    let mut c = cluster();
    create(
        &mut c,
        pod(
            "p",
            json!({"restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "busybox", "command": ["sh", "-c", "echo start; sleep 10; echo bye; exit 3"]}]}),
        ),
    );
    c.advance(secs(5)).unwrap();
    assert_eq!(
        logs(&c.world, &pod_key("p"), None, false).unwrap(),
        "start\n"
    );
    assert_eq!(
        logs(&c.world, &pod_key("p"), None, true).unwrap_err(),
        "Error from server (BadRequest): previous terminated container \"c\" in pod \"p\" not found"
    );
    c.advance(secs(7)).unwrap();
    assert_eq!(
        logs(&c.world, &pod_key("p"), None, true).unwrap(),
        "start\nbye\n"
    );
    assert_eq!(
        logs(&c.world, &pod_key("p"), None, false).unwrap(),
        "start\n"
    );
}

#[test]
fn the_first_edition_cronjob_container_succeeds_about_half_the_time_by_seed() {
    let cmd = json!(["sh", "-c"]);
    let args = json!(["sleep 40; date +'%N' | cut -c 9 | egrep '[1|3|5|7|9]'"]);
    let mut ok = 0;
    let n = 60;
    for seed in 0..n {
        let run = |seed: u64| {
            let mut c = seeded(seed);
            create(
                &mut c,
                pod(
                    "cron",
                    json!({"restartPolicy": "Never", "containers": [{"name": "sleep-container", "image": "centos:6", "command": cmd, "args": args}]}),
                ),
            );
            c.advance(secs(40)).unwrap();
            assert_eq!(phase(&c, "cron"), "Running");
            c.advance(secs(2)).unwrap();
            phase(&c, "cron")
        };
        let first = run(seed);
        assert_eq!(first, run(seed), "the same seed decides the same way");
        if first == "Succeeded" {
            ok += 1;
        } else {
            assert_eq!(first, "Failed");
        }
    }
    assert!((0.35..=0.65).contains(&(ok as f64 / n as f64)), "{ok}/{n}");
}

fn owner_and_pods(c: &mut Cluster, command: &[&str]) -> (ObjKey, Vec<ObjKey>) {
    // A Service owns the pods: no controller acts on it (a StatefulSet would release pods
    // not named `<set>-<n>`, as Kubernetes' does).
    let svc: k8s_openapi::api::core::v1::Service = serde_json::from_value(json!({
        "metadata": {"name": "owner", "namespace": "default"},
    }))
    .unwrap();
    let owner = c.world.create(Object::Service(svc)).unwrap();
    let mut keys = Vec::new();
    for i in 0..2 {
        let mut p = pod(
            &format!("owned-{i}"),
            json!({"containers": [{"name": "c", "image": "busybox", "command": command}]}),
        );
        p.meta_mut().owner_references = Some(vec![owner.controller_ref_to()]);
        keys.push(c.world.create(p).unwrap().key());
    }
    c.reconcile_now().unwrap();
    c.advance(secs(2)).unwrap();
    (owner.key(), keys)
}

#[test]
fn background_orphan_and_foreground_deletion() {
    // Background: the owner goes at once, the GC deletes the dependents.
    let mut c = cluster();
    let (owner, pods) = owner_and_pods(&mut c, &["sleep", "3600"]);
    c.world
        .store
        .delete(&owner, &DeleteOptions::background(), c.now())
        .unwrap();
    c.reconcile_now().unwrap();
    assert!(get(&c, &owner).is_none());
    assert!(pods
        .iter()
        .all(|p| get(&c, p).unwrap()["metadata"]["deletionTimestamp"].is_string()));
    // Orphan: the dependents stay, without their owner reference.
    let mut c = cluster();
    let (owner, pods) = owner_and_pods(&mut c, &["sleep", "3600"]);
    let orphan = DeleteOptions {
        grace_period: None,
        propagation: Some(Propagation::Orphan),
    };
    c.world.store.delete(&owner, &orphan, c.now()).unwrap();
    c.reconcile_now().unwrap();
    assert!(get(&c, &owner).is_none());
    for p in &pods {
        let p = get(&c, p).unwrap();
        assert!(
            p["metadata"]["ownerReferences"].is_null()
                && p["metadata"]["deletionTimestamp"].is_null()
        );
    }
    // Foreground: the owner waits, with its finalizer, until the dependents are gone (the
    // sleeping pods take their 30 s grace period).
    let mut c = cluster();
    let (owner, pods) = owner_and_pods(&mut c, &["sleep", "3600"]);
    c.world
        .store
        .delete(&owner, &DeleteOptions::foreground(), c.now())
        .unwrap();
    c.reconcile_now().unwrap();
    let o = get(&c, &owner).unwrap();
    assert_eq!(o["metadata"]["finalizers"], json!(["foregroundDeletion"]));
    let p0 = get(&c, &pods[0]).unwrap();
    assert!(
        p0["metadata"]["finalizers"].is_null(),
        "pods without dependents are deleted in the background"
    );
    c.advance(secs(29)).unwrap();
    assert!(get(&c, &owner).is_some());
    c.advance(secs(1)).unwrap();
    assert!(pods.iter().all(|p| get(&c, p).is_none()));
    assert!(get(&c, &owner).is_none());
}

#[test]
fn podgc_collects_pods_of_a_deleted_node_after_the_quarantine_fact_18() {
    let mut c = cluster();
    create(
        &mut c,
        pod(
            "stray",
            json!({"nodeSelector": on_node("node-2"), "containers": [{"name": "c", "image": "nginx"}]}),
        ),
    );
    c.advance(secs(3)).unwrap(); // t = 3
    c.remove_node("node-2").unwrap();
    // PodGC runs at 20, quarantines the node for 40 s, and collects at the run at 60.
    c.advance(secs(56)).unwrap(); // t = 59
    assert_eq!(phase(&c, "stray"), "Running");
    while get(&c, &pod_key("stray")).is_some() {
        c.step().unwrap();
    }
    assert_eq!((c.now() - c.world.start).secs(), 60);
}

#[test]
fn podgc_marks_the_pod_failed_with_a_disruption_condition_first() {
    let mut c = cluster();
    create(
        &mut c,
        pod(
            "stray",
            json!({"nodeSelector": on_node("node-2"), "containers": [{"name": "c", "image": "nginx"}]}),
        ),
    );
    c.advance(secs(3)).unwrap();
    let seen = c.open_watch();
    c.remove_node("node-2").unwrap();
    c.advance(secs(60)).unwrap();
    let last_before_delete = c
        .world
        .store
        .changes_since(seen)
        .iter()
        .rev()
        .find(|e| e.object.kind() == Kind::Pod && e.kind == klab::store::WatchType::Modified)
        .map(|e| e.object.to_json())
        .expect("the pod was updated before its deletion");
    assert_eq!(last_before_delete["status"]["phase"], "Failed");
    let cond = last_before_delete["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "DisruptionTarget")
        .cloned()
        .unwrap();
    assert_eq!(
        (cond["reason"].as_str(), cond["message"].as_str()),
        (
            Some("DeletionByPodGC"),
            Some("PodGC: node no longer exists")
        )
    );
    assert_eq!(phase(&c, "stray"), "<gone>");
}

#[test]
fn node_down_eviction_timeline_and_node_up_completes_it() {
    let mut c = cluster();
    create(
        &mut c,
        pod(
            "web",
            json!({"nodeSelector": on_node("node-1"), "containers": [{"name": "c", "image": "nginx"}]}),
        ),
    );
    create(
        &mut c,
        pod(
            "sleeper",
            json!({"nodeSelector": on_node("node-1"), "containers": [{"name": "c", "image": "busybox", "command": ["sleep", "3600"]}]}),
        ),
    );
    c.advance(secs(2)).unwrap();
    let p = get(&c, &pod_key("web")).unwrap();
    let tolerations = p["spec"]["tolerations"].as_array().unwrap().clone();
    assert_eq!(tolerations.len(), 2, "DefaultTolerationSeconds admission");
    c.advance(secs(8)).unwrap(); // t = 10
    c.node_down("node-1").unwrap();
    let node_key = ObjKey::new(Kind::Node, "", "node-1");
    let ready = |c: &Cluster| {
        get(c, &node_key).unwrap()["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["type"] == "Ready")
            .cloned()
            .unwrap()
    };
    // Last lease renewal at 10 s; 50 s grace; the monitor pass after 60 s is at 65 s.
    c.advance(secs(54)).unwrap(); // t = 64
    assert_eq!(ready(&c)["status"], "True");
    c.advance(secs(1)).unwrap(); // t = 65
    let r = ready(&c);
    assert_eq!(
        (r["status"].as_str(), r["reason"].as_str()),
        (Some("Unknown"), Some("NodeStatusUnknown"))
    );
    assert_eq!(r["message"], "Kubelet stopped posting node status.");
    let taints: Vec<String> = get(&c, &node_key).unwrap()["spec"]["taints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            format!(
                "{}:{}",
                t["key"].as_str().unwrap(),
                t["effect"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        taints,
        vec![
            "node.kubernetes.io/unreachable:NoExecute",
            "node.kubernetes.io/unreachable:NoSchedule"
        ]
    );
    let pod_ready = get(&c, &pod_key("web")).unwrap()["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["type"] == "Ready")
        .cloned()
        .unwrap();
    assert_eq!(pod_ready["status"], "False");
    // Evicted 300 s after the taint, then Terminating while the kubelet is away.
    c.advance(secs(299)).unwrap();
    assert!(get(&c, &pod_key("web")).unwrap()["metadata"]["deletionTimestamp"].is_null());
    c.advance(secs(1)).unwrap(); // t = 365
    let p = get(&c, &pod_key("web")).unwrap();
    assert!(p["metadata"]["deletionTimestamp"].is_string());
    assert!(events(&c, "pod/web").contains(&(
        "Normal".into(),
        "TaintManagerEviction".into(),
        "Marking for deletion Pod default/web".into()
    )));
    c.advance(secs(600)).unwrap();
    assert!(
        get(&c, &pod_key("web")).is_some() && get(&c, &pod_key("sleeper")).is_some(),
        "Terminating until the kubelet is back"
    );
    c.node_up("node-1").unwrap();
    assert_eq!(ready(&c)["status"], "True");
    assert!(get(&c, &node_key).unwrap()["spec"]["taints"].is_null());
    assert_eq!(phase(&c, "web"), "<gone>", "nginx exits on SIGTERM at once");
    assert_ne!(phase(&c, "sleeper"), "<gone>");
    c.advance(secs(30)).unwrap();
    assert_eq!(
        phase(&c, "sleeper"),
        "<gone>",
        "sleep takes its full grace period from node_up"
    );
}

#[test]
fn cordon_adds_the_unschedulable_taint_and_uncordon_removes_it() {
    let mut c = cluster();
    let key = ObjKey::new(Kind::Node, "", "node-3");
    let now = c.now();
    c.world
        .store
        .modify(&key, now, |o| {
            o.node_mut().unwrap().spec.as_mut().unwrap().unschedulable = Some(true)
        })
        .unwrap();
    c.reconcile_now().unwrap();
    let taints = get(&c, &key).unwrap()["spec"]["taints"].clone();
    assert_eq!(taints[0]["key"], "node.kubernetes.io/unschedulable");
    assert_eq!(taints[0]["effect"], "NoSchedule");
    assert!(taints[0]["timeAdded"].is_string());
    c.world
        .store
        .modify(&key, now, |o| {
            o.node_mut().unwrap().spec.as_mut().unwrap().unschedulable = None
        })
        .unwrap();
    c.reconcile_now().unwrap();
    assert!(get(&c, &key).unwrap()["spec"]["taints"].is_null());
}

#[test]
fn a_script_loop_logs_as_time_passes_without_waking_the_cluster() {
    let mut c = cluster();
    create(
        &mut c,
        pod(
            "ticker",
            json!({"containers": [{"name": "c", "image": "busybox", "command": ["sh", "-c", "while true; do date +%s; sleep 10; done"]}]}),
        ),
    );
    let settled = c.settle(secs(3600)).unwrap();
    assert!(
        settled.secs() <= 2,
        "a loop that runs until stopped is not pending work: {settled}"
    );
    c.advance(secs(25)).unwrap();
    let log = logs(&c.world, &pod_key("ticker"), None, false).unwrap();
    let start = c.world.start.secs();
    assert_eq!(
        log,
        format!("{}\n{}\n{}\n", start + 1, start + 11, start + 21)
    );
}

#[test]
fn exec_writes_are_seen_by_a_running_script() {
    let mut c = cluster();
    create(
        &mut c,
        pod(
            "waiter",
            json!({"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox", "command": ["sh", "-c", "until [ -f /tmp/go ]; do sleep 5; done; echo released"]}]}),
        ),
    );
    c.advance(secs(12)).unwrap();
    assert_eq!(phase(&c, "waiter"), "Running");
    sh(&mut c, "waiter", "touch /tmp/go");
    c.advance(secs(5)).unwrap();
    assert_eq!(phase(&c, "waiter"), "Succeeded");
    assert_eq!(
        logs(&c.world, &pod_key("waiter"), None, false).unwrap(),
        "released\n"
    );
}

#[test]
fn killing_the_sleep_with_on_failure_restarts_the_same_pod_with_a_fresh_shell() {
    let mut c = cluster();
    create(
        &mut c,
        pod(
            "onfailure",
            json!({"restartPolicy": "OnFailure", "containers": [{"name": "tools-container", "image": "amsy810/tools:v2.0", "command": ["sh", "-c"], "args": ["$(sleep 3600)"]}]}),
        ),
    );
    c.advance(secs(3)).unwrap();
    let ip = get(&c, &pod_key("onfailure")).unwrap()["status"]["podIP"].clone();
    let pids = sh(&mut c, "onfailure", "pgrep sleep").stdout;
    assert_eq!(pids, "2\n");
    sh(&mut c, "onfailure", "kill `pgrep sleep`");
    let p = get(&c, &pod_key("onfailure")).unwrap();
    let status = &p["status"]["containerStatuses"][0];
    assert_eq!(status["restartCount"], 1);
    assert_eq!(
        status["lastState"]["terminated"]["exitCode"], 143,
        "SIGTERM: 128 + 15"
    );
    assert_eq!(p["status"]["podIP"], ip);
    // A new container: a new PID namespace, PID 1 the shell again and its sleep PID 2.
    let ps = sh(&mut c, "onfailure", "ps -ef").stdout;
    let pids: Vec<&str> = ps
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(&pids[..2], &["1", "2"], "{ps}");
}

#[test]
fn exec_sleep_reports_how_long_it_took_and_date_sees_the_time_move() {
    let mut c = cluster();
    create(
        &mut c,
        pod(
            "web",
            json!({"containers": [{"name": "c", "image": "nginx"}]}),
        ),
    );
    c.advance(secs(2)).unwrap();
    let out = sh(&mut c, "web", "date +%s; sleep 5; date +%s");
    let t: Vec<i64> = out.stdout.lines().map(|l| l.parse().unwrap()).collect();
    assert_eq!(t[1] - t[0], 5);
    assert_eq!(out.duration, secs(5));
}
