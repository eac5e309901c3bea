//! A real PostgreSQL server for the site database's tests: Debian's `postgresql` binaries,
//! `initdb` into a temporary directory and `pg_ctl` on a free loopback port, run as the
//! `postgres` user when the tests run as root (PostgreSQL refuses to run as root). Password
//! authentication, so a wrong password is refused as at a school. Stopped and deleted on drop.
#![allow(dead_code)]

use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const USER: &str = "kiosk";
pub const PASSWORD: &str = "correct horse battery";

pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
}

/// The newest installed PostgreSQL's programs.
fn bin_dir() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (apt-get install postgresql): /usr/lib/postgresql")
        .map(|e| e.unwrap().path().join("bin"))
        .filter(|p| p.join("pg_ctl").exists())
        .collect();
    versions.sort_by_key(|p| {
        p.parent().and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok()).unwrap_or(0)
    });
    versions.pop().expect("a PostgreSQL version with pg_ctl")
}

fn as_root() -> bool {
    static ROOT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ROOT.get_or_init(|| {
        let out = Command::new("id").arg("-u").output().expect("id runs");
        String::from_utf8_lossy(&out.stdout).trim() == "0"
    })
}

/// `program` of this PostgreSQL, as the user that may run it.
fn command(bin: &Path, program: &str) -> Command {
    let program = bin.join(program);
    if as_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl Postgres {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let data = dir.path().join("data");
        let pwfile = dir.path().join("pwfile");
        std::fs::write(&pwfile, PASSWORD).unwrap();
        std::fs::set_permissions(&pwfile, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::create_dir(&data).unwrap();
        if as_root() {
            let status =
                Command::new("chown").arg("postgres:postgres").arg(&data).status().unwrap();
            assert!(status.success());
        }
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let server = Self { dir, bin: bin_dir(), port };
        server.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                USER,
                "--auth=scram-sha-256",
                &format!("--pwfile={}", pwfile.display()),
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        server.start_again();
        server
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out =
            command(&self.bin, program).args(args).current_dir(self.dir.path()).output().unwrap();
        assert!(
            out.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts the server (again), waiting until it accepts connections.
    pub fn start_again(&self) {
        // The socket and the log in the data directory: the one place the server's user may write.
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
            self.port,
            self.data().display()
        );
        let log = self.data().join("server.log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                self.data().to_str().unwrap(),
                "-o",
                &options,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        );
    }

    /// Stops the server at once, as a crash or a pulled plug would (connections cut).
    pub fn stop(&self) {
        self.run("pg_ctl", &["-D", self.data().to_str().unwrap(), "-m", "immediate", "-w", "stop"]);
    }

    /// The URL of a database of this server, without the password (which goes apart, as at a
    /// school); the database is made if it is not there.
    pub fn url(&self, database: &str) -> String {
        self.run_sql(&format!("CREATE DATABASE \"{database}\""));
        self.url_of(database)
    }

    pub fn url_of(&self, database: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{database}", self.port)
    }

    /// Runs SQL on the `postgres` database with psql, ignoring "already exists".
    pub fn run_sql(&self, sql: &str) {
        self.psql("postgres", sql, true);
    }

    /// Runs SQL on `database`.
    pub fn sql(&self, database: &str, sql: &str) {
        self.psql(database, sql, false);
    }

    fn psql(&self, database: &str, sql: &str, tolerate_exists: bool) {
        let out = Command::new(self.bin.join("psql"))
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", USER, "-d", database])
            .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
            .env("PGPASSWORD", PASSWORD)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() || (tolerate_exists && stderr.contains("already exists")),
            "psql {sql}: {stderr}"
        );
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = command(&self.bin, "pg_ctl")
            .args(["-D", self.data().to_str().unwrap(), "-m", "immediate", "stop"])
            .current_dir(self.dir.path())
            .output();
    }
}
