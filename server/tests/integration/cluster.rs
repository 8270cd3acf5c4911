//! The cluster, as an operator runs it: `scripts/cluster.sh` starts PostgreSQL, the S3 server, two portal nodes
//! (the release binary) and nginx in front of them, all real processes on loopback. The tests drive the portal
//! through the balancer over HTTP, read each node's metrics and log, and read PostgreSQL and the bucket's files
//! to see what was kept. Each test starts a cluster of its own (its own ports and folder, from an empty database
//! and bucket) and stops it when it ends, failed or not. `make cluster-test` runs them, one at a time:
//! `cargo test -p server --features app/ssr --test integration cluster:: -- --ignored --test-threads=1`.

use crate::applications::JSON;
use crate::helpers::*;
use crate::staff::{staff_member, staff_sign_in};
use app::domain::process::Role;
use serde_json::Value;
use server::db::{Backend, Db};
use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    path::{Path, PathBuf},
    process::Command,
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

/// The workspace, where `scripts/cluster.sh` and `target/release/server` are.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_owned()
}

/// A cluster started by `scripts/cluster.sh start` from an empty database and bucket; stopped when dropped.
struct Cluster {
    port: u16,
    nodes: u8,
    /// The test's folder: the cluster's own (`CLUSTER_DIR`) and the script's output.
    dir: tempfile::TempDir,
    /// `cluster.env`, as the last start wrote it.
    env: HashMap<String, String>,
    starts: usize,
}

impl Cluster {
    fn start(port: u16, nodes: u8) -> Cluster {
        let dir = tempfile::tempdir().expect("temp dir");
        // PostgreSQL runs as its own user, which must reach the cluster's folder inside this one.
        std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let mut cluster = Cluster {
            port,
            nodes,
            dir,
            env: HashMap::new(),
            starts: 0,
        };
        // From here on, a failure stops whatever did start.
        cluster.up();
        cluster
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `scripts/cluster.sh <args>`, with the cluster's settings and the portal configuration every node gets: the
    /// harness's mail sink, JSON log lines, the balancer's URL as the public one, and nginx (on loopback) as the
    /// proxy whose forwarded addresses are believed.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("bash");
        command
            .arg(workspace().join("scripts/cluster.sh"))
            .args(args)
            .current_dir(workspace())
            .env("CLUSTER_PORT", self.port.to_string())
            .env("CLUSTER_DIR", self.dir.path().join("cluster"))
            .env("CLUSTER_NODES", self.nodes.to_string())
            .env("CLUSTER_FRESH", "1")
            .env("SMTP_URL", mail_sink().url())
            .env("LOG_FORMAT", "json")
            .env("PUBLIC_BASE_URL", self.url())
            .env("TRUSTED_PROXIES", "127.0.0.1")
            .stdin(std::process::Stdio::null());
        command
    }

    /// Runs the script to its end, its output in a file (the processes it leaves running may hold a pipe open);
    /// returns (success, output).
    fn run(&mut self, args: &[&str]) -> (bool, String) {
        self.starts += 1;
        let out = self.dir.path().join(format!("script-{}.out", self.starts));
        let file = std::fs::File::create(&out).unwrap();
        let status = self
            .command(args)
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .status()
            .expect("bash runs scripts/cluster.sh");
        (status.success(), std::fs::read_to_string(&out).unwrap_or_default())
    }

    fn up(&mut self) {
        let (ok, output) = self.run(&["start"]);
        assert!(ok, "scripts/cluster.sh start failed:\n{output}");
        assert_eq!(
            output.trim_end().lines().last(),
            Some(self.url().as_str()),
            "start prints the balancer's URL last:\n{output}"
        );
        let text = std::fs::read_to_string(self.dir.path().join("cluster/cluster.env")).expect("cluster.env");
        self.env = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().trim_matches(['"', '\'']).to_owned()))
            .collect();
        assert_eq!(self.var("CLUSTER_URL"), self.url());
    }

    fn stop(&mut self) {
        let (ok, output) = self.run(&["stop"]);
        assert!(ok, "scripts/cluster.sh stop failed:\n{output}");
    }

    /// Stops the cluster and starts it again from an empty database and bucket.
    fn restart_fresh(&mut self) {
        self.stop();
        self.up();
    }

    fn var(&self, key: &str) -> &str {
        self.env.get(key).unwrap_or_else(|| panic!("{key} in cluster.env"))
    }

    fn node_url(&self, node: u8) -> String {
        self.var(&format!("NODE{node}_URL")).trim_end_matches('/').to_owned()
    }

    /// `127.0.0.1:PORT` of a node, as nginx names it in `X-Portal-Node`.
    fn node_address(&self, node: u8) -> String {
        self.node_url(node).trim_start_matches("http://").to_owned()
    }

    /// The node whose address `X-Portal-Node` names.
    fn node_named(&self, header: &str) -> u8 {
        (1..=self.nodes)
            .find(|&n| self.node_address(n) == header)
            .unwrap_or_else(|| panic!("X-Portal-Node {header:?} is none of the nodes"))
    }

    /// The node's `/metrics`, from its metrics listener.
    async fn metrics(&self, node: u8) -> String {
        let address = self.var(&format!("NODE{node}_METRICS"));
        let response = reqwest::get(format!("http://{address}/metrics"))
            .await
            .expect("the metrics listener answers");
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    }

    /// The node's log lines that are JSON.
    fn log(&self, node: u8) -> Vec<Value> {
        std::fs::read_to_string(self.var(&format!("NODE{node}_LOG")))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// A browser reaching the portal through the balancer, from `client` (sent as `X-Forwarded-For`, which nginx
    /// appends the peer to) when given.
    fn browser(&self, client: Option<&str>) -> TestApp {
        self.at(self.url(), client)
    }

    /// A browser on the balancer's pages whose requests go straight to one node.
    fn browser_on_node(&self, node: u8) -> TestApp {
        self.at(self.node_url(node), None)
    }

    fn at(&self, base: String, client: Option<&str>) -> TestApp {
        let mut app = running_at(
            base,
            tempfile::tempdir().unwrap(),
            self.var("DATABASE_URL").to_owned(),
            Backend::Postgres,
        );
        app.client = cluster_client(&self.url(), client);
        app
    }

    async fn db(&self) -> Db {
        Db::connect(self.var("DATABASE_URL"))
            .await
            .expect("the cluster's database")
    }

    /// The bucket's folder on disk: the S3 server keeps object `K` as the file `S3_DATA/K`.
    fn bucket(&self) -> PathBuf {
        PathBuf::from(self.var("S3_DATA"))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let (ok, output) = self.run(&["stop"]);
        if !ok {
            eprintln!("scripts/cluster.sh stop failed:\n{output}");
        }
    }
}

/// A client on the balancer's pages (`Origin`), that does not follow redirects, optionally behind a proxy that
/// says the client is `client`.
fn cluster_client(origin: &str, client: Option<&str>) -> reqwest::Client {
    use reqwest::header::{HeaderMap, HeaderValue, ORIGIN};
    let mut headers = HeaderMap::new();
    headers.insert(ORIGIN, HeaderValue::from_str(origin).unwrap());
    if let Some(client) = client {
        headers.insert("x-forwarded-for", HeaderValue::from_str(client).unwrap());
    }
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

/// The node that answered, as the balancer says.
fn answered_by(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-portal-node")
        .and_then(|v| v.to_str().ok())
        .expect("the balancer names the node that answered (X-Portal-Node)")
        .to_owned()
}

/// `portal_http_requests_total`: every series, or those of one method and route.
fn requests_in(metrics: &str, method: Option<&str>, route: Option<&str>) -> u64 {
    metrics
        .lines()
        .filter(|l| l.starts_with("portal_http_requests_total{"))
        .filter(|l| method.is_none_or(|m| l.contains(&format!("method=\"{m}\""))))
        .filter(|l| route.is_none_or(|r| l.contains(&format!("route=\"{r}\""))))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The text of a PDF, by poppler's `pdftotext`.
fn pdf_text(dir: &Path, pdf: &[u8]) -> String {
    let path = dir.join("form.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every file under `dir`, as a path relative to `root` with `/` between the parts.
fn files_under(root: &Path, dir: &Path, found: &mut Vec<(String, u64)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(root, &path, found);
        } else {
            let key = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            found.push((key, entry.metadata().map(|m| m.len()).unwrap_or(0)));
        }
    }
}

/// The bucket's objects: key → size.
fn objects(bucket: &Path) -> BTreeMap<String, u64> {
    let mut found = Vec::new();
    files_under(bucket, bucket, &mut found);
    found.into_iter().collect()
}

/// What the S3 server keeps of multipart uploads that were started and neither completed nor aborted (s3s-fs
/// keeps them beside the buckets, as `.upload…` files).
fn unfinished_uploads(bucket: &Path) -> usize {
    let Some(root) = bucket.parent() else {
        return 0;
    };
    std::fs::read_dir(root)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with(".upload"))
                .count()
        })
        .unwrap_or(0)
}

/// The NIK of applicant `i` (a woman born on 5 August 2006, as the draft's other answers say).
fn nik_of(i: usize) -> String {
    format!("140309450806{:04}", i + 1)
}

#[tokio::test]
#[ignore = "run by make cluster-test: starts a cluster of real processes"]
async fn a_citizen_goes_the_whole_way_through_the_balancer_and_the_staff_approve_on_the_other_node() {
    let cluster = Cluster::start(18080, 2);
    let before = [cluster.metrics(1).await, cluster.metrics(2).await];
    let client = "198.51.100.23";
    let citizen = cluster.browser(Some(client));
    let mailbox = "perjalanan@example.com";
    let nik = nik_of(0);
    let mut answered: BTreeSet<String> = BTreeSet::new();

    // Sign in (the code asked for on one node and typed on the other: requests alternate), fill in, upload.
    let (session, id) = citizen_draft_with_nik(&citizen, mailbox, &nik).await;
    for _ in 0..4 {
        let response = get_with(&citizen, &format!("/permohonan/{id}"), &[&session]).await;
        assert_eq!(response.status(), 200, "every node knows the session");
        answered.insert(answered_by(&response));
    }
    let response = post(
        &citizen,
        "/api/permohonan/kirim",
        &[("application", &id)],
        &[&session],
        JSON,
    )
    .await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let submitted_on = cluster.node_named(&answered_by(&response));
    answered.insert(answered_by(&response));
    let db = cluster.db().await;
    let (status, point): (String, String) = sqlx::query_as("SELECT status, point_id FROM applications WHERE id = $1")
        .bind(&id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(status, "submitted");

    // The staff, on the other node: they see the scan (read from the bucket) and approve.
    let other = if submitted_on == 1 { 2 } else { 1 };
    let staff_before = cluster.metrics(other).await;
    let (_, secret) = staff_member(&db, "sari", Role::Operator, Some(&point)).await;
    let console = cluster.browser_on_node(other);
    let staff = staff_sign_in(&console, "sari", &secret).await;
    let detail = format!("/petugas/permohonan/{id}");
    let page = get_with(&console, &detail, &[&staff]).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    let scan_link = format!("{detail}/berkas/");
    let at = page.find(&scan_link).expect("the detail page links the KK scan");
    let end = page[at..].find('"').expect("a quoted link");
    let scan = get_with(&console, &page[at..at + end].replace("&amp;", "&"), &[&staff]).await;
    assert_eq!(
        scan.status(),
        200,
        "the other node serves the scan the first one stored"
    );
    assert_eq!(scan.headers()["content-type"], "image/jpeg");
    let scan = scan.bytes().await.unwrap();
    let (stored,): (i64,) =
        sqlx::query_as("SELECT bytes FROM documents WHERE application_id = $1 AND kind = 'kk_scan'")
            .bind(&id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(scan.len() as i64, stored, "the whole scan");
    let claim = post(
        &console,
        &format!("{detail}/klaim"),
        &[("action", "claim")],
        &[&staff],
        HTML,
    )
    .await;
    assert!(claim.status().is_redirection(), "{}", claim.status());
    let approval = post(
        &console,
        &format!("{detail}/langkah"),
        &[("step", "approve")],
        &[&staff],
        HTML,
    )
    .await;
    assert_eq!(location(&approval), format!("{detail}?ok=approve"));
    let (status,): (String,) = sqlx::query_as("SELECT status FROM applications WHERE id = $1")
        .bind(&id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(status, "approved");
    let route = "/petugas/permohonan/{id}/langkah";
    let step_requests = |metrics: &str| requests_in(metrics, Some("POST"), Some(route));
    assert_eq!(
        step_requests(&cluster.metrics(other).await) - step_requests(&staff_before),
        1,
        "node {other} took the approval"
    );
    assert_eq!(
        step_requests(&cluster.metrics(submitted_on).await),
        0,
        "node {submitted_on}, which took the submission, took no staff step"
    );

    // Back through the balancer: book a time at the Dinas and download the form.
    let booking = format!("/permohonan/{id}/jadwal");
    let response = get_with(&citizen, &format!("{booking}?lokasi=dinas"), &[&session]).await;
    answered.insert(answered_by(&response));
    let html = response.text().await.unwrap();
    let marker = "?lokasi=dinas&amp;tanggal=";
    let at = html.find(marker).expect("an open day is a link") + marker.len();
    let day = html[at..at + 10].to_owned();
    let response = get_with(&citizen, &format!("{booking}?lokasi=dinas&tanggal={day}"), &[&session]).await;
    answered.insert(answered_by(&response));
    let html = response.text().await.unwrap();
    let time = html
        .match_indices("name=\"time\"")
        .filter_map(|(at, _)| {
            let tag = &html[at..at + html[at..].find('>')?];
            (!tag.contains("disabled")).then(|| attribute_after(tag, "name=\"time\"", "value"))?
        })
        .next()
        .expect("a time with places left")
        .to_owned();
    let fields = [
        ("application", id.as_str()),
        ("point", "dinas"),
        ("day", day.as_str()),
        ("time", time.as_str()),
        ("replaces", ""),
    ];
    let response = post(&citizen, "/api/jadwal/pesan", &fields, &[&session], HTML).await;
    answered.insert(answered_by(&response));
    assert_eq!(location(&response), format!("{booking}#jadwal-anda"), "booked");
    let response = get_with(&citizen, &format!("/formulir/{id}"), &[&session]).await;
    answered.insert(answered_by(&response));
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let (reference,): (String,) = sqlx::query_as("SELECT reference FROM applications WHERE id = $1")
        .bind(&id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let text = pdf_text(cluster.dir.path(), &response.bytes().await.unwrap());
    for expected in [reference.as_str(), "SITI AMINAH", time.as_str()] {
        assert!(text.contains(expected), "the form says {expected:?}:\n{text}");
    }

    // Both nodes answered the citizen: nginx says so, and so does each node's own count of requests.
    let both: BTreeSet<String> = [cluster.node_address(1), cluster.node_address(2)].into();
    assert_eq!(answered, both, "the balancer sent the citizen's requests to both nodes");
    for node in [1, 2] {
        let (was, is) = (
            requests_in(&before[usize::from(node) - 1], None, None),
            requests_in(&cluster.metrics(node).await, None, None),
        );
        println!("node {node}: {was} requests answered before the journey, {is} after");
        assert!(is > was, "node {node} answered some of the journey's requests");
    }

    // The nodes saw the citizen's own address, which nginx forwarded (the test's client, on loopback like nginx,
    // is one more trusted proxy in front of it: its X-Forwarded-For is believed, nginx appends 127.0.0.1, and
    // the portal reads the list from the right past the trusted hops), never the balancer's 127.0.0.1.
    let signed_in: Vec<Value> = [1, 2]
        .into_iter()
        .flat_map(|node| cluster.log(node))
        .filter(|l| l["target"] == "portal::security" && l["event"] == "signed_in" && l["reason"] == "citizen")
        .collect();
    assert!(!signed_in.is_empty(), "a node logged the citizen's sign-in");
    assert!(
        signed_in.iter().all(|l| l["client"] == client),
        "the sign-in is logged with the forwarded address: {signed_in:?}"
    );
    // A per-client limit counts the forwarded address, across both nodes: of 25 simultaneous code requests from
    // one address, the 20 the limit allows get a code; another address behind the same balancer still gets one.
    let crowd = cluster.browser(Some("198.51.100.77"));
    let requests = (0..25).map(|i| {
        let crowd = &crowd;
        async move {
            let mailbox = format!("orang{i}@example.com");
            let response = post(crowd, "/api/masuk", &[("identifier", &mailbox)], &[], HTML).await;
            (location(&response) == "/masuk/kode", answered_by(&response))
        }
    });
    let results = futures_util::future::join_all(requests).await;
    let codes = results.iter().filter(|(code, _)| *code).count();
    let nodes: BTreeSet<&String> = results.iter().map(|(_, node)| node).collect();
    assert_eq!(codes, 20, "the per-client limit holds over both nodes");
    assert_eq!(nodes.len(), 2, "the burst went to both nodes");
    let neighbour = cluster.browser(Some("198.51.100.78"));
    let response = post(
        &neighbour,
        "/api/masuk",
        &[("identifier", "tetangga@example.com")],
        &[],
        HTML,
    )
    .await;
    assert_eq!(
        location(&response),
        "/masuk/kode",
        "another address has a limit of its own"
    );
    let limited: Vec<Value> = [1, 2]
        .into_iter()
        .flat_map(|node| cluster.log(node))
        .filter(|l| l["target"] == "portal::security" && l["event"] == "code_rate_limited")
        .collect();
    assert!(
        !limited.is_empty() && limited.iter().all(|l| l["client"] == "198.51.100.77"),
        "the limit is logged against the forwarded address: {limited:?}"
    );
    for node in [1, 2] {
        let log = std::fs::read_to_string(cluster.var(&format!("NODE{node}_LOG"))).unwrap_or_default();
        assert!(!log.contains(&nik), "node {node}'s log carries the NIK");
    }
}

/// One applicant of the burst: a browser of their own (their own forwarded address), session and application.
struct Applicant {
    browser: TestApp,
    session: String,
    id: String,
}

/// What the portal answered one request of the burst: its status (`None`: no answer at all) and whether it was
/// sent after the node was killed.
#[derive(Clone, Debug)]
struct Answer {
    status: Option<u16>,
    after_kill: bool,
}

impl Answer {
    fn acknowledged(&self) -> bool {
        self.status == Some(200)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "run by make cluster-test: starts a cluster of real processes"]
async fn a_node_killed_while_200_applicants_upload_and_submit_loses_nothing_acknowledged() {
    const APPLICANTS: usize = 200;
    /// The node dies once this many of the burst's 400 requests have been answered.
    const KILL_AFTER: usize = 60;
    let cluster = Cluster::start(18180, 2);
    let client_of = |i: usize| format!("10.14.{}.{}", i / 200, i % 200 + 1);

    // Each applicant signs in with a mailbox of their own and fills in a draft with a scan; eight at a time.
    let permits = Arc::new(tokio::sync::Semaphore::new(8));
    let mut setting_up = Vec::new();
    for i in 0..APPLICANTS {
        let browser = cluster.browser(Some(&client_of(i)));
        let permits = permits.clone();
        setting_up.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await.unwrap();
            let mailbox = format!("pemohon{i}@example.com");
            let (session, id) = citizen_draft_with_nik(&browser, &mailbox, &nik_of(i)).await;
            Applicant { browser, session, id }
        }));
    }
    let mut applicants = Vec::new();
    for task in setting_up {
        applicants.push(Arc::new(task.await.expect("an applicant is set up")));
    }
    let db = cluster.db().await;
    let setup_bytes: i64 = sqlx::query_as::<_, (i64,)>("SELECT MAX(bytes) FROM documents")
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .0;

    // All at once: each uploads a new scan, then submits. Node 1 is killed (kill -9) mid-burst.
    let answered = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let enough = Arc::new(tokio::sync::Notify::new());
    let start = Arc::new(tokio::sync::Barrier::new(APPLICANTS));
    let scan = server::documents::fixtures::jpeg(800, 600);
    let mut burst = Vec::new();
    for applicant in &applicants {
        let (applicant, answered, killed, enough, start, scan) = (
            applicant.clone(),
            answered.clone(),
            killed.clone(),
            enough.clone(),
            start.clone(),
            scan.clone(),
        );
        burst.push(tokio::spawn(async move {
            let count = |status: Option<u16>, after_kill: bool| {
                if answered.fetch_add(1, Ordering::SeqCst) + 1 == KILL_AFTER {
                    enough.notify_one();
                }
                Answer { status, after_kill }
            };
            start.wait().await;
            let Applicant { browser, session, id } = &*applicant;
            let after_kill = killed.load(Ordering::SeqCst);
            let part = reqwest::multipart::Part::bytes(scan).file_name("kk-baru.jpg");
            let form = reqwest::multipart::Form::new().part("kk_scan", part);
            let response = browser
                .client
                .post(browser.url(&format!("/unggah/{id}")))
                .header("cookie", session.as_str())
                .header("accept", JSON)
                .multipart(form)
                .send()
                .await;
            let (status, stored) = match response {
                Ok(r) => {
                    let status = r.status().as_u16();
                    let body: Option<Value> = r.json().await.ok();
                    (Some(status), body.and_then(|b| b["bytes"].as_i64()))
                }
                Err(_) => (None, None),
            };
            let upload = count(status, after_kill);
            let after_kill = killed.load(Ordering::SeqCst);
            let response = browser
                .client
                .post(browser.url("/api/permohonan/kirim"))
                .header("cookie", session.as_str())
                .header("accept", JSON)
                .form(&[("application", id.as_str())])
                .send()
                .await;
            let submit = count(response.ok().map(|r| r.status().as_u16()), after_kill);
            (upload, stored, submit)
        }));
    }
    enough.notified().await;
    let kill = cluster.command(&["node", "1", "kill"]);
    let kill = tokio::task::spawn_blocking(move || {
        let mut kill = kill;
        kill.output()
    })
    .await
    .unwrap()
    .expect("scripts/cluster.sh node 1 kill");
    killed.store(true, Ordering::SeqCst);
    assert!(kill.status.success(), "{}", String::from_utf8_lossy(&kill.stderr));
    let answered_at_kill = answered.load(Ordering::SeqCst);
    let mut outcomes = Vec::new();
    for task in burst {
        outcomes.push(task.await.expect("a burst task"));
    }

    // After the kill, the survivors' requests keep succeeding: 50 at once, pages and new sign-ins.
    let wave = (0..50).map(|i| {
        let applicant = applicants[i].clone();
        let cluster_browser = cluster.browser(Some(&format!("10.15.0.{}", i + 1)));
        async move {
            let response = if i % 2 == 0 {
                let path = format!("/permohonan/{}", applicant.id);
                applicant
                    .browser
                    .client
                    .get(applicant.browser.url(&path))
                    .header("accept", HTML)
                    .header("cookie", applicant.session.as_str())
                    .send()
                    .await
            } else {
                cluster_browser
                    .client
                    .post(cluster_browser.url("/api/masuk"))
                    .header("accept", HTML)
                    .form(&[("identifier", format!("gelombang{i}@example.com"))])
                    .send()
                    .await
            };
            response.ok().map(|r| r.status().as_u16())
        }
    });
    let wave: Vec<Option<u16>> = futures_util::future::join_all(wave).await;
    let wave_failed = wave
        .iter()
        .filter(|s| !s.is_some_and(|s| (200..400).contains(&s)))
        .count();

    // What PostgreSQL and the bucket hold.
    let bucket = cluster.bucket();
    let mut lost = Vec::new();
    let (mut uploads_acknowledged, mut submissions_acknowledged) = (0, 0);
    for (applicant, (upload, stored, submit)) in applicants.iter().zip(&outcomes) {
        let (status,): (String,) = sqlx::query_as("SELECT status FROM applications WHERE id = $1")
            .bind(&applicant.id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        if submit.acknowledged() {
            submissions_acknowledged += 1;
            if status != "submitted" {
                lost.push(format!("the submission of {} is {status}", applicant.id));
            }
        }
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT object_key, bytes FROM documents WHERE application_id = $1 AND kind = 'kk_scan'")
                .bind(&applicant.id)
                .fetch_all(&db.pool)
                .await
                .unwrap();
        let [(key, bytes)] = rows.as_slice() else {
            lost.push(format!("{} has {} KK scans", applicant.id, rows.len()));
            continue;
        };
        let object = std::fs::metadata(bucket.join(key)).map(|m| m.len() as i64).ok();
        if object != Some(*bytes) {
            lost.push(format!(
                "the scan of {} ({bytes} bytes) is {object:?} in the bucket",
                applicant.id
            ));
        }
        if upload.acknowledged() {
            uploads_acknowledged += 1;
            let acknowledged = stored.expect("an acknowledged upload describes the stored file");
            assert_ne!(acknowledged, setup_bytes, "the burst's scan differs from the first one");
            if *bytes != acknowledged {
                lost.push(format!(
                    "the acknowledged scan of {} is not the current one",
                    applicant.id
                ));
            }
        }
    }
    let rows: BTreeSet<String> = sqlx::query_as::<_, (String,)>("SELECT object_key FROM documents")
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .into_iter()
        .map(|(k,)| k)
        .collect();
    let before_sweep = objects(&bucket);
    let orphans_before_sweep = before_sweep.keys().filter(|k| !rows.contains(*k)).count();
    let unfinished_before_sweep = unfinished_uploads(&bucket);

    // The sweep removes what no row points at: afterwards objects and rows match one to one.
    let sweep_dir = cluster.dir.path().join("sweep");
    std::fs::create_dir_all(&sweep_dir).unwrap();
    let sweep = Command::new(workspace().join("target/release/server"))
        .args(["sweep-objects", "--grace-secs", "0"])
        .current_dir(&sweep_dir)
        .env("DATA_DIR", &sweep_dir)
        .envs(&cluster.env)
        .output()
        .expect("the release server binary");
    let after_sweep = objects(&bucket);
    let stored: BTreeSet<String> = after_sweep.keys().cloned().collect();
    let orphaned = stored.difference(&rows).count();
    let missing = rows.difference(&stored).count();
    let unfinished = unfinished_uploads(&bucket);
    let failed = |answers: &mut dyn Iterator<Item = &Answer>| answers.filter(|a| !a.acknowledged()).count();
    let all = || outcomes.iter().flat_map(|(u, _, s)| [u, s]);
    let after_kill_failed: Vec<&Answer> = all().filter(|a| a.after_kill && !a.acknowledged()).collect();

    println!("kill -9 of node 1 while {APPLICANTS} applicants upload a scan and submit, through the balancer:");
    println!(
        "  requests answered when the node was killed: {answered_at_kill} of {}",
        2 * APPLICANTS
    );
    println!("  uploads acknowledged: {uploads_acknowledged} of {APPLICANTS}");
    println!("  submissions acknowledged: {submissions_acknowledged} of {APPLICANTS}");
    println!(
        "  requests not acknowledged (during the kill): {} ({} of them sent after it)",
        failed(&mut all()),
        after_kill_failed.len()
    );
    let mut refusals: BTreeMap<String, usize> = BTreeMap::new();
    for answer in all().filter(|a| !a.acknowledged()) {
        let status = answer.status.map_or("no answer".to_owned(), |s| s.to_string());
        *refusals.entry(status).or_default() += 1;
    }
    println!("  their answers: {refusals:?}");
    // What nginx says of the failures, message by message.
    let nginx_log = std::fs::read_to_string(cluster.dir.path().join("cluster/nginx/error.log")).unwrap_or_default();
    let mut nginx: BTreeMap<String, usize> = BTreeMap::new();
    for line in nginx_log.lines().filter(|l| l.contains("upstream")) {
        let message = line.split_once('*').map_or(line, |(_, m)| m);
        let message = message.split_once(' ').map_or(message, |(_, m)| m);
        let upstream = line
            .split("upstream: \"http://")
            .nth(1)
            .and_then(|u| u.split('/').next())
            .unwrap_or_default();
        let message = message.split(", client:").next().unwrap_or_default();
        *nginx.entry(format!("{upstream}: {message}")).or_default() += 1;
    }
    println!("  nginx's errors: {nginx:#?}");
    let errors: Vec<Value> = cluster.log(2).into_iter().filter(|l| l["level"] == "ERROR").collect();
    println!(
        "  node 2's errors: {}; the first: {:?}",
        errors.len(),
        errors.iter().take(3).collect::<Vec<_>>()
    );
    println!(
        "  scans stored (document rows with their object): {}",
        rows.len() - missing
    );
    println!("  acknowledged but lost: {}", lost.len());
    println!("  orphaned objects before the sweep: {orphans_before_sweep}, after it: {orphaned}");
    println!("  unfinished multipart uploads before the sweep: {unfinished_before_sweep}, after it: {unfinished}");
    println!("  requests after the kill (second wave of 50) that failed: {wave_failed}");
    println!(
        "  sweep-objects: {} {}{}",
        sweep.status,
        String::from_utf8_lossy(&sweep.stdout).trim(),
        String::from_utf8_lossy(&sweep.stderr).trim()
    );

    assert!(lost.is_empty(), "acknowledged and lost: {lost:#?}");
    assert!(
        uploads_acknowledged > 0 && submissions_acknowledged > 0,
        "the burst got through"
    );
    assert!(
        failed(&mut all()) > 0 || answered_at_kill < 2 * APPLICANTS,
        "the node died mid-burst"
    );
    assert_eq!(wave_failed, 0, "every request after the kill succeeds: {wave:?}");
    assert!(
        after_kill_failed.is_empty(),
        "requests of the burst sent after the kill failed: {after_kill_failed:?}"
    );
    assert!(sweep.status.success(), "server sweep-objects failed");
    assert_eq!(missing, 0, "a document row without its object");
    assert_eq!(orphaned, 0, "objects no row points at, after the sweep");
    assert_eq!(
        unfinished, 0,
        "unfinished multipart uploads left in the S3 server, after the sweep"
    );
    for node in [1, 2] {
        let log = std::fs::read_to_string(cluster.var(&format!("NODE{node}_LOG"))).unwrap_or_default();
        assert!(
            !(0..APPLICANTS).any(|i| log.contains(&nik_of(i))),
            "node {node}'s log carries a NIK"
        );
    }
}

/// The number of rows of every table of the cluster's database, read without starting anything that seeds.
async fn table_counts(url: &str) -> BTreeMap<String, i64> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.expect("connect to PostgreSQL");
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut counts = BTreeMap::new();
    for (table,) in tables {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM \"{table}\""))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        counts.insert(table, n);
    }
    conn.close().await.unwrap();
    counts
}

#[tokio::test]
#[ignore = "run by make cluster-test: starts a cluster of real processes"]
async fn two_nodes_starting_together_on_an_empty_database_both_come_up_with_one_copy_of_every_seeded_row() {
    // What one node alone makes of an empty database.
    let mut cluster = Cluster::start(18280, 1);
    let alone = table_counts(cluster.var("DATABASE_URL")).await;
    let seeded: Vec<String> = alone
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(t, n)| format!("{t}: {n}"))
        .collect();
    println!("one node alone seeds {}", seeded.join(", "));
    for table in [
        "_sqlx_migrations",
        "areas",
        "holidays",
        "opening_hours",
        "service_points",
    ] {
        assert!(alone.get(table).is_some_and(|n| *n > 0), "one node seeds {table}");
    }

    // Two nodes at the same moment, three times over: both answer, and every table holds what one node makes.
    cluster.nodes = 2;
    for round in 1..=3 {
        cluster.restart_fresh();
        for node in [1, 2] {
            let response = reqwest::get(format!("{}/healthz", cluster.node_url(node)))
                .await
                .expect("the node answers");
            assert_eq!(response.status(), 200, "round {round}: node {node} is up");
        }
        let both = table_counts(cluster.var("DATABASE_URL")).await;
        assert_eq!(both, alone, "round {round}: two nodes seeded what one node seeds, once");
    }
}
