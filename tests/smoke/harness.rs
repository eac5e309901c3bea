//! Runs a program the way a kiosk runs it: on its own Xvfb display with a window manager
//! (openbox, which honours the EWMH full-screen, above and close requests) and its own D-Bus
//! session, and reads back what the window manager made of its window.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub const APP: &str = env!("CARGO_BIN_EXE_reception-kiosk");

/// Held by each running program: the smoke tests take turns. Two WebKit apps starting together
/// on a busy two-core machine left one unpainted, or its window manager unstarted, past the
/// deadlines (seen when the suite ran beside a build): each test has the machine's display stack
/// to itself.
static TURN: Mutex<()> = Mutex::new(());

/// The app running under its own Xvfb, window manager and D-Bus session.
pub struct Running {
    /// `xvfb-run`, whose exit status is the app's.
    pub xvfb: Child,
    /// What the wrapper wrote: the app's pid, display, X authority and bus address.
    pub pid: String,
    display: String,
    xauthority: String,
    bus: String,
    log: PathBuf,
    /// Dropped after the program is stopped (fields drop after `Drop::drop`).
    _turn: MutexGuard<'static, ()>,
}

/// `target/smoke/`, next to the binaries under test.
pub fn smoke_dir() -> PathBuf {
    let dir = Path::new(APP).parent().unwrap().parent().unwrap().join("smoke");
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `program` under a fresh Xvfb display of `screen` (e.g. "1280x800"), with openbox
/// managing its windows, and a D-Bus session.
pub fn start_program(
    data_dir: &Path,
    name: &str,
    screen: &str,
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Running {
    let turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let info = data_dir.join("xvfb-info");
    let log = smoke_dir().join(format!("{name}.log"));
    // The wrapper starts the window manager and waits until it answers (so the app's window is
    // managed from its first appearance), records where the app runs, then becomes the app
    // (`exec`), so its pid is the app's and xvfb-run reports the app's exit status. The window
    // manager is detached from the app: it ends with the display.
    let wrapper = r#"(openbox --sm-disable >/dev/null 2>&1 &)
        for _ in $(seq 200); do wmctrl -m >/dev/null 2>&1 && break; sleep 0.05; done
        wmctrl -m >/dev/null || { echo "openbox did not start" >&2; exit 97; }
        printf '%s\n%s\n%s\n%s\n' "$$" "$DISPLAY" "$XAUTHORITY" "$DBUS_SESSION_BUS_ADDRESS" > "$SMOKE_INFO"
        exec env ${PROGRAM_LD_PRELOAD:+LD_PRELOAD="$PROGRAM_LD_PRELOAD"} "$@""#;
    // Under a fake clock (faketime, as tests/soak.sh runs this test), only the program under
    // test sees it: the display, the window manager and D-Bus run on the real one.
    let preload = std::env::var("LD_PRELOAD").unwrap_or_default();
    let xvfb = Command::new("xvfb-run")
        .env_remove("LD_PRELOAD")
        .env("PROGRAM_LD_PRELOAD", preload)
        .args([
            "-a",
            "-s",
            &format!("-screen 0 {screen}x24"),
            "dbus-run-session",
            "--",
            "bash",
            "-c",
            wrapper,
            "bash",
            program,
        ])
        .args(args)
        .envs(env.iter().copied())
        .env("SMOKE_INFO", &info)
        .env("RECEPTION_KIOSK_DATA_DIR", data_dir)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .expect("xvfb-run, dbus-run-session, openbox and wmctrl are installed (.ci/deps)");
    let mut running = Running {
        xvfb,
        pid: String::new(),
        display: String::new(),
        xauthority: String::new(),
        bus: String::new(),
        log,
        _turn: turn,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let lines = loop {
        let text = fs::read_to_string(&info).unwrap_or_default();
        if text.lines().count() == 4 {
            break text.lines().map(str::to_string).collect::<Vec<_>>();
        }
        if let Some(status) = running.xvfb.try_wait().unwrap() {
            panic!("the display did not start ({status}): {}", running.log());
        }
        assert!(Instant::now() < deadline, "Xvfb did not start: {}", running.log());
        std::thread::sleep(Duration::from_millis(50));
    };
    [running.pid, running.display, running.xauthority, running.bus] = lines.try_into().unwrap();
    running
}

/// Where the window manager put a window, as `xwininfo` reports it.
#[derive(Debug, PartialEq, Eq)]
pub struct Geometry {
    pub x: i32,
    pub y: i32,
    pub width: i32,
    pub height: i32,
}

impl Running {
    pub fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn wait_for_log(&mut self, line: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.log().contains(line) {
            if let Some(status) = self.xvfb.try_wait().unwrap() {
                panic!("the app ended ({status}) before logging {line:?}:\n{}", self.log());
            }
            assert!(Instant::now() < deadline, "no {line:?} within {timeout:?}:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A command on the app's display (and D-Bus session).
    pub fn x(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("DISPLAY", &self.display)
            .env("XAUTHORITY", &self.xauthority)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus);
        cmd
    }

    /// Runs `program` on the display and returns what it printed; it must succeed.
    pub fn x_output(&self, program: &str, args: &[&str]) -> String {
        let out =
            self.x(program).args(args).output().unwrap_or_else(|e| panic!("{program} runs: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screenshot(&self, to: &Path) {
        self.x_output("import", &["-window", "root", to.to_str().unwrap()]);
    }

    pub fn signal(&self, signal: &str) {
        let ok = Command::new("kill").args([signal, &self.pid]).status().unwrap().success();
        assert!(ok, "kill {signal} {}", self.pid);
    }

    pub fn is_running(&mut self) -> bool {
        self.xvfb.try_wait().unwrap().is_none()
    }

    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.xvfb.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.xvfb.kill();
                panic!("the app did not exit within {timeout:?}:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The id of the X window titled "Reception Kiosk", once the window manager manages it
    /// (it has published the actions it allows on it).
    pub fn managed_window(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let listed = self.x_output("wmctrl", &["-l"]);
            if let Some(line) = listed.lines().find(|l| l.ends_with("Reception Kiosk")) {
                let id = line.split_whitespace().next().unwrap().to_string();
                if self.window_property(&id, "_NET_WM_ALLOWED_ACTIONS").is_some() {
                    return id;
                }
            }
            if Instant::now() >= deadline {
                // What the display holds, to tell a window never mapped from one the window
                // manager did not take (or a window manager that has gone).
                let tree = self.x("xwininfo").args(["-root", "-tree"]).output();
                let wm = self.x("wmctrl").arg("-m").output();
                panic!(
                    "openbox manages no window titled Reception Kiosk: {listed}\nwmctrl -m: {}\n\
                     windows: {}\n{}",
                    wm.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default(),
                    tree.map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                        .unwrap_or_default(),
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// One property of a window as `xprop` prints it, or `None` when the window has none.
    pub fn window_property(&self, id: &str, name: &str) -> Option<String> {
        let out = self.x("xprop").args(["-id", id, name]).output().expect("xprop runs (x11-utils)");
        let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (out.status.success() && !text.contains("not found") && !text.contains("no such atom"))
            .then_some(text)
    }

    /// Whether a window with this id still exists on the display.
    pub fn window_exists(&self, id: &str) -> bool {
        self.x("xwininfo").args(["-id", id]).output().expect("xwininfo runs").status.success()
    }

    pub fn geometry(&self, id: &str) -> Geometry {
        let info = self.x_output("xwininfo", &["-id", id]);
        let field = |label: &str| -> i32 {
            let line = info
                .lines()
                .find(|l| l.trim_start().starts_with(label))
                .unwrap_or_else(|| panic!("{label} in {info}"));
            line.rsplit(':').next().unwrap().trim().parse().unwrap()
        };
        Geometry {
            x: field("Absolute upper-left X:"),
            y: field("Absolute upper-left Y:"),
            width: field("Width:"),
            height: field("Height:"),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.xvfb.try_wait().ok().flatten().is_none() {
            let _ = Command::new("kill").args(["-KILL", &self.pid]).status();
            let _ = self.xvfb.wait();
        }
    }
}

/// Unique colours in a PNG: a blank or black screen has one or two.
pub fn colours(png: &Path) -> u64 {
    let out = Command::new("identify")
        .args(["-format", "%k"])
        .arg(png)
        .output()
        .expect("ImageMagick's identify runs");
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(0)
}
