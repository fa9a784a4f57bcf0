//! `cargo xtask spec-watch` and `openapi/upstream.lock`: the committed lock names the
//! documents `openapi/` follows (proved from our documents alone, as `regen --check` does);
//! the published history in `../shared/spec-history/` (H15 and U01, both 1.4.1 on both sides)
//! is reported as changed with the same version (skipped with a note where `../shared` is
//! absent); and the command against a server on 127.0.0.1: unchanged, changed (with the pull
//! request it writes), and every way a fetch is refused.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::external::ExternalRefs;
use xtask::lock::{self, Lock};
use xtask::project::workspace_root;
use xtask::spec_watch::{self, Limits, Reader, Source, Verdict};

fn root() -> PathBuf {
    workspace_root().expect("run in the workspace")
}

fn committed_lock() -> Lock {
    Lock::load(&root().join(lock::DEFAULT_PATH)).expect("openapi/upstream.lock")
}

#[test]
fn our_documents_have_the_structure_the_lock_names() {
    let lock = committed_lock();
    assert_eq!(lock::check_ours(&root(), &lock).expect("our documents read"), Vec::<String>::new());
    // One line naming the document and the lock when it does not.
    let mut other = lock.clone();
    other.documents[0].structure = "sha256:0123456789abcdef".into();
    let problems = lock::check_ours(&root(), &other).expect("our documents read");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with(
            "openapi/epayment.yaml does not have the structure of ePayment API 1.8.1 that openapi/upstream.lock names"
        ) && !problems[0].contains('\n'),
        "{}",
        problems[0]
    );
}

fn shared(dir: &str) -> Option<PathBuf> {
    let path = root().join("../shared").join(dir);
    if path.is_dir() {
        Some(path)
    } else {
        epayment_devkit::skip_outside_ci(&format!(
            "{} not found (CI has ../shared beside the checkout)",
            path.display()
        ));
        None
    }
}

fn xtask(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn the_lock_holds_the_published_documents_in_shared() {
    let Some(upstream) = shared("upstream") else { return };
    let file = |name: &str| upstream.join(name).display().to_string();
    let (epayment, token) = (file("epayment-openapi.yaml"), file("access-token-openapi.yaml"));
    let (code, stdout, stderr) = xtask(&["spec-watch", "--file", &epayment, "--file", &token]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert_eq!(stdout.matches(": unchanged (").count(), 2, "{stdout}");
    // The older published version is another document for the lock.
    let (code, stdout, _) = xtask(&["spec-watch", "--no-contract", "--lock", "/nonexistent.lock", "--file", &epayment]);
    assert_eq!((code, stdout.as_str()), (Some(2), ""), "no lock, no watch");
}

const EPAYMENT_URL: &str = "https://raw.githubusercontent.com/vippsas/vipps-epayment-api/main/docs/epayment.v1.yml";

fn order_management(history: &Path, tag: &str) -> String {
    let url = format!("https://raw.githubusercontent.com/vippsas/vipps-order-management-api/{tag}/docs/swagger.yaml");
    format!("{url}={}", history.join(format!("external/order-management-{tag}/swagger.yaml")).display())
}

#[test]
fn h15_and_u01_are_changed_with_the_same_version() {
    let Some(history) = shared("spec-history") else { return };
    let mut external = ExternalRefs::new();
    for tag in ["2.3.17", "2.3.24"] {
        external.add_arg(&order_management(&history, tag)).expect("mapping");
    }
    let reader = Reader::new(external, Limits::default());
    for pair in ["H15", "U01"] {
        let old = std::fs::read(history.join(pair).join("old.yml")).expect("old");
        let locked = spec_watch::take(&reader, old, EPAYMENT_URL, "openapi/epayment.yaml", "2024-01-01").expect("take");
        assert_eq!(locked.entry.version, "1.4.1");
        assert_eq!(locked.entry.externals.len(), 1, "{pair}: the Order Management document");
        let lock = Lock { documents: vec![locked.entry.clone()] };
        let new = Source::File(history.join(pair).join("new.yml"));
        let watched = spec_watch::watch(&lock, &[new], &reader, "2024-02-01").expect("watch");
        assert_eq!(watched.len(), 1);
        assert_eq!(watched[0].verdict, Verdict::ChangedSameVersion, "{pair}");
        assert!(watched[0].structure_changed(), "{pair}");
        assert!(watched[0].summary().contains("changed with the same info.version 1.4.1"), "{pair}");
        // The same document again is unchanged.
        let same = Source::File(history.join(pair).join("old.yml"));
        let watched = spec_watch::watch(&lock, &[same], &reader, "2024-02-01").expect("watch");
        assert_eq!(watched[0].verdict, Verdict::Unchanged, "{pair}");
    }
    // U01 moves the Order Management reference from 2.3.17 to 2.3.24: the lock's external
    // entry follows it.
    let new = std::fs::read(history.join("U01/new.yml")).expect("new");
    let taken = spec_watch::take(&reader, new, EPAYMENT_URL, "openapi/epayment.yaml", "2024-02-01").expect("take");
    assert!(taken.entry.externals[0].url.contains("/2.3.24/"), "{:?}", taken.entry.externals);
}

/// What the test server answers for a path.
#[derive(Clone)]
enum Answer {
    Body(Vec<u8>),
    Status(u16),
    Redirect(String),
    /// Accepts the request and never answers.
    Silence,
}

/// A server on 127.0.0.1 that answers each path as told; returns its base URL (no slash).
fn serve(routes: Vec<(&'static str, Answer)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let routes = routes.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut request_line = String::new();
                let _ = reader.read_line(&mut request_line);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let answer = routes.iter().find(|(p, _)| *p == path).map_or(Answer::Status(404), |(_, a)| a.clone());
                let (status, location, body) = match answer {
                    Answer::Body(body) => ("200 OK", None, body),
                    Answer::Status(code) => (if code == 404 { "404 Not Found" } else { "500 Oops" }, None, Vec::new()),
                    Answer::Redirect(to) => ("302 Found", Some(to), Vec::new()),
                    Answer::Silence => {
                        std::thread::park();
                        return;
                    }
                };
                let mut head = format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
                if let Some(to) = location {
                    head.push_str(&format!("location: {to}\r\n"));
                }
                let _ = stream.write_all(format!("{head}\r\n").as_bytes());
                let _ = stream.write_all(&body);
            });
        }
    });
    base
}

/// A lock with one entry for our access-token document, taken from `bytes` at `url`.
fn lock_for(bytes: &[u8], url: &str, dir: &Path) -> PathBuf {
    let reader = Reader::new(ExternalRefs::new(), Limits::default());
    let taken =
        spec_watch::take(&reader, bytes.to_vec(), url, "openapi/access-token.yaml", "2026-01-01").expect("take");
    let path = dir.join("upstream.lock");
    std::fs::write(&path, Lock { documents: vec![taken.entry] }.render().expect("render")).expect("write");
    path
}

#[test]
fn fetches_are_refused_in_one_line_on_errors_redirects_elsewhere_size_and_time() {
    let document = std::fs::read(root().join("openapi/access-token.yaml")).expect("ours");
    let probe = TcpListener::bind("127.0.0.1:0").expect("bind");
    let elsewhere = format!("http://localhost:{}/doc.yaml", probe.local_addr().expect("address").port());
    let base = serve(vec![
        ("/doc.yaml", Answer::Body(document.clone())),
        ("/moved.yaml", Answer::Redirect("/doc.yaml".into())),
        ("/elsewhere.yaml", Answer::Redirect(elsewhere)),
        ("/broken.yaml", Answer::Status(500)),
        ("/silent.yaml", Answer::Silence),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let lock = lock_for(&document, &format!("{base}/doc.yaml"), dir.path());
    let lock = lock.to_str().expect("utf-8");
    let watch = |url: &str, extra: &[&str]| {
        let mut args = vec!["spec-watch", "--lock", lock, "--url", url, "--timeout", "1"];
        args.extend(extra);
        xtask(&args)
    };
    // The lock's own URL, and a redirect within the host: unchanged.
    let (code, stdout, stderr) = xtask(&["spec-watch", "--lock", lock]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stdout.starts_with("Access token (openapi/access-token.yaml): unchanged (2.0.0, taken 2026-01-01)"),
        "{stdout}"
    );
    let (code, stdout, stderr) = watch(&format!("{base}/moved.yaml"), &[]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    // Each refusal: exit 2, one line that says why.
    for (path, extra, why) in [
        ("/elsewhere.yaml", &[][..], "redirected to another host"),
        ("/broken.yaml", &[][..], "answered 500"),
        ("/missing.yaml", &[][..], "answered 404"),
        ("/doc.yaml", &["--max-bytes", "100"][..], "bytes allowed"),
        ("/silent.yaml", &[][..], "timed out"),
    ] {
        let (code, stdout, stderr) = watch(&format!("{base}{path}"), extra);
        assert_eq!(code, Some(2), "{path}: {stdout}{stderr}");
        assert!(stdout.is_empty(), "{path}: {stdout}");
        assert_eq!(stderr.lines().count(), 1, "{path}: {stderr}");
        assert!(stderr.starts_with("error: ") && stderr.contains(why), "{path}: expected {why:?} in {stderr}");
    }
}

#[test]
fn a_change_is_reported_and_proposed_as_a_pull_request() {
    let root = root();
    let ours = std::fs::read_to_string(root.join("openapi/access-token.yaml")).expect("ours");
    let epayment = std::fs::read(root.join("openapi/epayment.yaml")).expect("ours");
    let bumped = ours.replacen("version: 2.0.0", "version: 2.1.0", 1);
    assert_ne!(bumped, ours, "the document says its version as this test expects");
    let base = serve(vec![
        ("/token.yaml", Answer::Body(ours.clone().into_bytes())),
        ("/token-2.1.yaml", Answer::Body(bumped.into_bytes())),
        ("/epayment.yaml", Answer::Body(epayment)),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let lock = lock_for(ours.as_bytes(), &format!("{base}/token.yaml"), dir.path());
    let lock = lock.to_str().expect("utf-8");

    // A new version of the access-token document: spec-diff says what it means.
    let (code, stdout, stderr) = xtask(&["spec-watch", "--lock", lock, "--url", &format!("{base}/token-2.1.yaml")]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    // The version is part of the structure: ours must say the one it follows.
    assert!(stdout.contains("changed with a new version, 2.0.0 -> 2.1.0; its structure changed"), "{stdout}");
    let target = xtask::project::target_dir(&root).join("spec-watch");
    let pr = std::fs::read_to_string(target.join("pr.md")).expect("pr.md");
    assert!(pr.starts_with("# spec-watch: Access token 2.0.0 -> 2.1.0\n"), "{pr}");
    assert!(pr.contains("## spec-diff: `openapi/access-token.yaml` -> Access token 2.1.0"), "{pr}");
    assert!(
        pr.contains("\n-version = \"2.0.0\"\n") && pr.contains("\n+version = \"2.1.0\"\n"),
        "the lock's diff: {pr}"
    );
    let proposed = Lock::load(&target.join("upstream.lock")).expect("the proposed lock");
    assert_eq!(proposed.documents[0].version, "2.1.0");

    // Our own ePayment document in place of the published one (the committed lock): the same
    // structure in other words under the same version, and spec-update runs on it.
    let committed = root.join(lock::DEFAULT_PATH);
    let args = ["spec-watch", "--no-contract", "--lock", committed.to_str().expect("utf-8")];
    let (code, stdout, stderr) = xtask(&[&args[..], &["--url", &format!("{base}/epayment.yaml")]].concat());
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("ePayment API (openapi/epayment.yaml): changed with the same info.version 1.8.1")
            && stdout.contains("only prose changed")
            && stdout.contains("spec-update: nothing breaks"),
        "{stdout}{stderr}"
    );
    let pr = std::fs::read_to_string(target.join("pr.md")).expect("pr.md");
    assert!(pr.starts_with("# spec-watch: ePayment API changed without a new version (1.8.1)\n"), "{pr}");
    // The report of spec-update on the fetched copy, its sections under this one.
    assert!(
        pr.contains("## spec-update: `openapi/epayment.yaml` -> ") && pr.contains("\n### Compile\n\nPassed."),
        "{pr}"
    );
}
