//! The book's manifests (seed notes, chapter 5.5–5.8), verbatim, for tests.
#![allow(dead_code)]

pub const SAMPLE_DS: &str = r#"apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: sample-ds
spec:
  selector:
    matchLabels:
      app: sample-app
  template:
    metadata:
      labels:
        app: sample-app
    spec:
      containers:
        - name: nginx-container
          image: nginx:1.16
"#;

pub const SAMPLE_DS_ONDELETE: &str = r#"apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: sample-ds-ondelete
spec:
  updateStrategy:
    type: OnDelete
  selector:
    matchLabels:
      app: sample-app
  template:
    metadata:
      labels:
        app: sample-app # app to be updated
    spec:
      containers:
        - name: nginx-container
          image: nginx:1.16
"#;

pub const SAMPLE_DS_ROLLING_UPDATE: &str = r#"apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: sample-ds-ondelete
spec:
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 2 # 파드 한 번에 두 개씩 업데이트
  selector:
    matchLabels:
      app: sample-app
  template:
    metadata:
      labels:
        app: sample-app # app to be updated
    spec:
      containers:
        - name: nginx-container
          image: nginx:1.16
"#;

pub const SAMPLE_SS: &str = r#"apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: sample-ss
spec:
  selector:
    matchLabels:
      app: sample-app # has to match .spec.template.metadata.labels
  serviceName: sample-ss
  replicas: 3 # by default is 1
  template:
    metadata:
      labels:
        app: sample-app # has to match .spec.selector.matchLabels
    spec:
      containers:
        - name: nginx-container
          image: nginx:1.16
          volumeMounts:
            - name: www
              mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
    - metadata:
        name: www
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: 1G
"#;

pub const SAMPLE_SS_ROLLINGUPDATE: &str = r#"apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: sample-ss-rollingupdate
spec:
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      partition: 3 # 3이상 인덱스 파드만 업데이트 (0, 1 인덱스 파드 업데이트 X)
  selector:
    matchLabels:
      app: sample-app # has to match .spec.template.metadata.labels
  serviceName: sample-ss-rollingupdate
  replicas: 5 # by default is 1
  template:
    metadata:
      labels:
        app: sample-app # has to match .spec.selector.matchLabels
    spec:
      containers:
        - name: nginx-container
          image: nginx:1.16
"#;

pub const SAMPLE_JOB: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  name: sample.job
  namespace: default
spec:
  completions: 1
  parallelism: 1
  backoffLimit: 10
  template:
    spec:
      containers:
        - name: tools-container
          image: amsy810/tools:v2.0
          command: ["sleep"]
          args: ["60"]
      restartPolicy: Never
"#;

pub const SAMPLE_JOB_ONFAILURE: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  name: sample-job-onfailure-restart
  namespace: default
spec:
  completions: 1
  parallelism: 1
  backoffLimit: 10
  template:
    spec:
      containers:
        - name: tools-container
          image: amsy810/tools:v2.0
          command: ["sh", "-c"]
          args: ["$(sleep 3600)"]
      restartPolicy: OnFailure
"#;

pub const SAMPLE_JOB_NEVER: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  name: sample-job-never-restart
  namespace: default
spec:
  completions: 1
  parallelism: 1
  backoffLimit: 10
  template:
    spec:
      containers:
        - name: tools-container
          image: amsy810/tools:v2.0
          command: ["sh", "-c"]
          args: ["$(sleep 3600)"]
      restartPolicy: Never
"#;

pub const SAMPLE_JOB_MULTI_WORKQUEUE: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  name: sample-job-multi-workqueue
spec:
  # default completions: 1
  parallelism: 3
  backoffLimit: 1
  template:
    spec:
      containers:
        - name: tools-container
          image: amsy810/tools:v2.0
          command: ["sleep"]
          args: ["20"]
      restartPolicy: Never
"#;

pub const SAMPLE_JOB_SINGLE_WORKQUEUE: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  name: sample-job-single-workqueue
spec:
  # default completions: 1
  parallelism: 1
  backoffLimit: 1
  template:
    spec:
      containers:
        - name: tools-container
          image: amsy810/tools:v2.0
          command: ["sleep"]
          args: ["20"]
      restartPolicy: Never
"#;

pub const SAMPLE_JOB_TTL: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  name: sample-job-ttl
spec:
  ttlSecondsAfterFinished: 20
  template:
    spec:
      containers:
        - name: tools-container
          image: amsy810/tools:v2.0
          command: ["sleep"]
          args: ["10"]
      restartPolicy: Never
"#;

pub const SAMPLE_CRONJOB: &str = r#"apiVersion: batch/v1 # version check (v1beta1)
kind: CronJob
metadata:
  name: sample-cronjob
  namespace: default
spec:
  schedule: "*/1 * * * *"
  concurrencyPolicy: Allow
  startingDeadlineSeconds: 30
  successfulJobsHistoryLimit: 5
  failedJobsHistoryLimit: 3
  suspend: false
  jobTemplate:
    spec:
      completions: 1
      parallelism: 1
      backoffLimit: 0
      template:
        spec:
          containers:
            - name: tools-container
              image: amsy810/random-exit:v2.0
          restartPolicy: Never
"#;

/// `../shared/fixtures/book/sample-cronjob-1st-edition.yaml` (batch/v1beta1).
pub const SAMPLE_CRONJOB_1ST_EDITION: &str = r#"apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: sample-cronjob
spec:
  schedule: "*/1 * * * *"
  concurrencyPolicy: Allow
  startingDeadlineSeconds: 30
  successfulJobsHistoryLimit: 5
  failedJobsHistoryLimit: 3
  suspend: false
  jobTemplate:
    spec:
      completions: 1
      parallelism: 1
      backoffLimit: 1
      template:
        spec:
          containers:
          - name: sleep-container
            image: centos:6
            command:
            - "sh"
            - "-c"
            args:
            # 約50%の確率で成功するコマンド
            - "sleep 40; date +'%N' | cut -c 9 | egrep '[1|3|5|7|9]'"
          restartPolicy: Never
"#;

/// Every book manifest, with its name.
pub const ALL: &[(&str, &str)] = &[
    ("SAMPLE_DS", SAMPLE_DS),
    ("SAMPLE_DS_ONDELETE", SAMPLE_DS_ONDELETE),
    ("SAMPLE_DS_ROLLING_UPDATE", SAMPLE_DS_ROLLING_UPDATE),
    ("SAMPLE_SS", SAMPLE_SS),
    ("SAMPLE_SS_ROLLINGUPDATE", SAMPLE_SS_ROLLINGUPDATE),
    ("SAMPLE_JOB", SAMPLE_JOB),
    ("SAMPLE_JOB_ONFAILURE", SAMPLE_JOB_ONFAILURE),
    ("SAMPLE_JOB_NEVER", SAMPLE_JOB_NEVER),
    ("SAMPLE_JOB_MULTI_WORKQUEUE", SAMPLE_JOB_MULTI_WORKQUEUE),
    ("SAMPLE_JOB_SINGLE_WORKQUEUE", SAMPLE_JOB_SINGLE_WORKQUEUE),
    ("SAMPLE_JOB_TTL", SAMPLE_JOB_TTL),
    ("SAMPLE_CRONJOB", SAMPLE_CRONJOB),
    ("SAMPLE_CRONJOB_1ST_EDITION", SAMPLE_CRONJOB_1ST_EDITION),
];
