"""`make cluster`: the site as several machines would run it, started on this one.

PostgreSQL primary and a streaming replica, Redis, an S3 server (moto's) holding the media, two
gunicorn app servers, the task worker and Varnish in front with the shipped VCL
(deploy/varnish/newsroom.vcl), every one a background process whose pid is kept under
``var/cluster/run/`` (or the folder given), its log under ``log/``. ``make cluster-stop`` stops them
all and checks that no port of the cluster is still taken.

    python scripts/cluster.py start [--folder DIR]   # prints Varnish's address and the admin's login
    python scripts/cluster.py status [--folder DIR]
    python scripts/cluster.py stop [--folder DIR]

The settings are `make serve`'s production ones (DEBUG off, a secret key kept in the folder) plus
what several machines need: the replica (DATABASE_REPLICA_URL), Redis (REDIS_URL), the bucket
(NEWSROOM_MEDIA_S3_*), the purge of Varnish (NEWSROOM_VARNISH_PURGE_URLS). Plain HTTP on
127.0.0.1: no TLS here (docs/deploying.md puts it in front of Varnish).

tests/test_cluster.py and scripts/cluster_benchmark.py start the same `Cluster` in a folder of
their own on free ports, and break parts of it through its methods.
"""

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT / "scripts"))

from serve import gunicorn_command, worker_recycling  # noqa: E402  (scripts/ is not a package)

DEFAULT_FOLDER = PROJECT_ROOT / "var" / "cluster"
VCL = PROJECT_ROOT / "deploy" / "varnish" / "newsroom.vcl"
HOST = "127.0.0.1"
# The ports `make cluster` asks for first (Varnish's usual 6081); a port taken is replaced by a free one.
PREFERRED_PORTS = {
    "varnish": 6081,
    "varnish_admin": 6082,
    "app1": 8001,
    "app2": 8002,
    "primary": 5433,
    "replica": 5434,
    "redis": 6380,
    "s3": 9000,
}
APP_SERVERS = ("app1", "app2")
BUCKET = "newsroom-media"
S3_REGION = "us-east-1"
DATABASE = "newsroom"
STARTUP_SECONDS = 180  # migrations and the demo newsroom on a fresh database, on a loaded machine
# Stopped in this order: the front first, so that no reader reaches a server being stopped.
PROCESSES = ("varnish", "app1", "app2", "worker", "s3", "redis")


def log(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
        return True


def choose_ports(preferred: bool) -> dict[str, int]:
    """`make cluster`'s usual ports where free, else (and always for tests) ports free at this moment."""
    ports: dict[str, int] = {}
    for name, port in PREFERRED_PORTS.items():
        chosen = port if preferred and port_is_free(port) else free_port()
        while chosen in ports.values():
            chosen = free_port()
        ports[name] = chosen
    return ports


def postgres_programs() -> Path:
    """PostgreSQL's server programs (not on PATH on Debian), as scripts/test.sh finds them."""
    if shutil.which("pg_ctl"):
        return Path(shutil.which("pg_ctl")).resolve().parent  # a link in /usr/local/bin: the real folder has them all
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not found or not (found[-1] / "initdb").exists():
        raise SystemExit("PostgreSQL server programs (initdb, pg_ctl) not found: install PostgreSQL 15 or newer.")
    return found[-1]


def as_postgres(command: list) -> list[str]:
    """PostgreSQL refuses to run as root: as root, its programs run as the postgres user."""
    command = [str(part) for part in command]
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result


def group_alive(group: int) -> bool:
    """Whether a process of this group (gunicorn's workers, varnishd's child…) still runs; zombies,
    which another process has yet to reap, run no more."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[2]) == group and fields[0] != "Z":
            return True
    return False


def answers(url: str, timeout: float = 2) -> int | None:
    """The HTTP status of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class Cluster:
    """The processes of `make cluster`, in one folder: what they are, their ports, how to start and stop each.

    The folder's ``cluster.json`` keeps the ports, the admin's password and any extra settings, so
    that ``stop`` and ``status`` (and a second ``start``) find the cluster again.
    """

    def __init__(self, folder: Path, *, preferred_ports: bool = True, extra_env: dict | None = None, workers: int = 2):
        self.folder = Path(folder).resolve()
        self.state_file = self.folder / "cluster.json"
        if self.state_file.exists():
            state = json.loads(self.state_file.read_text())
        else:
            state = {
                "ports": choose_ports(preferred_ports),
                "admin_password": secrets.token_urlsafe(12),
                "extra_env": extra_env or {},
                "workers": workers,
            }
        self.ports: dict[str, int] = state["ports"]
        self.admin_password: str = state["admin_password"]
        self.extra_env: dict = state["extra_env"]
        self.workers: int = state["workers"]
        self._state = state
        self.pg_bin = postgres_programs()

    # Where things are --------------------------------------------------------------------------

    @property
    def varnish_url(self) -> str:
        return f"http://{HOST}:{self.ports['varnish']}"

    def app_url(self, name: str) -> str:
        return f"http://{HOST}:{self.ports[name]}"

    @property
    def media_url(self) -> str:
        return f"http://{HOST}:{self.ports['s3']}/{BUCKET}"

    def database_url(self, server: str = "primary") -> str:
        return f"postgres://postgres@{HOST}:{self.ports[server]}/{DATABASE}"

    def pg_data(self, server: str) -> Path:
        return self.folder / "pg" / server

    def pid_file(self, name: str) -> Path:
        return self.folder / "run" / f"{name}.pid"

    def log_file(self, name: str) -> Path:
        return self.folder / "log" / f"{name}.log"

    def secret_key(self) -> str:
        key_file = self.folder / "secret-key"
        if not key_file.exists():
            with os.fdopen(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
                file.write(secrets.token_urlsafe(50))
        return key_file.read_text().strip()

    def env(self) -> dict[str, str]:
        """The app servers' and the worker's settings: `make serve`'s production ones, on several machines."""
        prefixes = ("DJANGO_", "DATABASE_", "REDIS_", "NEWSROOM_")
        env = {key: value for key, value in os.environ.items() if not key.startswith(prefixes)}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "newsroom.settings",
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": self.secret_key(),
                "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
                "DJANGO_CSRF_TRUSTED_ORIGINS": self.varnish_url,
                # Plain HTTP on this machine (the TLS proxy of a deployment is not here), as `make serve`'s trial.
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DJANGO_SESSION_COOKIE_SECURE": "0",
                "DJANGO_CSRF_COOKIE_SECURE": "0",
                "DJANGO_SECURE_HSTS_SECONDS": "0",
                "DJANGO_STATIC_ROOT": str(self.folder / "static"),
                "DJANGO_MEDIA_ROOT": str(self.folder / "media"),  # unused: media go to the bucket
                "DATABASE_URL": self.database_url("primary"),
                "DATABASE_REPLICA_URL": self.database_url("replica"),
                "DATABASE_CONN_MAX_AGE": "60",
                "REDIS_URL": f"redis://{HOST}:{self.ports['redis']}/0",
                "NEWSROOM_MEDIA_S3_BUCKET": BUCKET,
                "NEWSROOM_MEDIA_S3_ENDPOINT": f"http://{HOST}:{self.ports['s3']}",
                "NEWSROOM_MEDIA_S3_REGION": S3_REGION,
                "NEWSROOM_MEDIA_S3_ACCESS_KEY": "cluster",
                "NEWSROOM_MEDIA_S3_SECRET_KEY": "cluster-secret",
                "NEWSROOM_MEDIA_S3_PUBLIC_URL": self.media_url,
                "NEWSROOM_VARNISH_PURGE_URLS": self.varnish_url,
                "NEWSROOM_SITE_URL": self.varnish_url,
                # Varnish adds the reader's address to X-Forwarded-For: the comment limits count readers, not Varnish.
                "NEWSROOM_TRUST_X_FORWARDED_FOR": "1",
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        env.update(self.extra_env)
        return env

    # Processes -----------------------------------------------------------------------------------

    def pid(self, name: str) -> int | None:
        try:
            return int(self.pid_file(name).read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def alive(self, name: str) -> bool:
        pid = self.pid(name)
        if pid is None:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        # A zombie of ours (a child not yet reaped) is not alive.
        try:
            return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
        except (OSError, IndexError):
            return True

    def spawn(self, name: str, command: list, env: dict | None = None) -> subprocess.Popen:
        """Start a process in a group of its own (so that its children go with it), its pid kept in run/."""
        with self.log_file(name).open("ab") as output:
            process = subprocess.Popen(
                [str(part) for part in command],
                cwd=PROJECT_ROOT,
                env=env or self.env(),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid_file(name).write_text(f"{process.pid}\n")
        return process

    def signal(self, name: str, sig: int) -> None:
        pid = self.pid(name)
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, sig)

    def kill(self, name: str) -> None:
        """A machine lost: SIGKILL to the process and its children, nothing flushed, nothing said goodbye."""
        self.signal(name, signal.SIGKILL)
        self._wait_gone(name, 10)
        self.pid_file(name).unlink(missing_ok=True)

    def stop_process(self, name: str, seconds: float = 25) -> None:
        self.signal(name, signal.SIGTERM)
        if not self._wait_gone(name, seconds):
            self.signal(name, signal.SIGKILL)
            self._wait_gone(name, 10)
        self.pid_file(name).unlink(missing_ok=True)

    def _wait_gone(self, name: str, seconds: float) -> bool:
        pid = self.pid(name)
        if pid is None:
            return True
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):  # reaped when it is our own child (tests)
                os.waitpid(pid, os.WNOHANG)
            if not group_alive(pid):
                return True
            time.sleep(0.1)
        return False

    def wait_for(self, name: str, url: str, seconds: float = 60, expected: set | None = None) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            status = answers(url)
            if status is not None and (expected is None or status in expected):
                return
            if not self.alive(name):
                raise RuntimeError(f"{name} stopped at start-up; its log:\n{self.tail(name)}")
            time.sleep(0.2)
        raise RuntimeError(f"{name} did not answer {url} within {seconds:.0f} s; its log:\n{self.tail(name)}")

    def tail(self, name: str, lines: int = 40) -> str:
        path = self.log_file(name)
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    # PostgreSQL ----------------------------------------------------------------------------------

    def pg_running(self, server: str) -> bool:
        if not (self.pg_data(server) / "postmaster.pid").exists():
            return False
        result = subprocess.run(
            as_postgres([self.pg_bin / "pg_ctl", "-D", self.pg_data(server), "status"]), capture_output=True
        )
        return result.returncode == 0

    def start_postgres(self, server: str) -> None:
        options = f"-c port={self.ports[server]} -c listen_addresses={HOST} -k {self.folder / 'pg'}"
        run(
            as_postgres(
                [self.pg_bin / "pg_ctl", "-D", self.pg_data(server), "-l", self.folder / "pg" / f"{server}.log"]
                + ["-w", "-t", "60", "-o", options, "start"]
            )
        )

    def stop_postgres(self, server: str) -> None:
        if self.pg_running(server):
            run(as_postgres([self.pg_bin / "pg_ctl", "-D", self.pg_data(server), "-m", "fast", "-w", "stop"]))

    def create_primary(self) -> None:
        pg_folder = self.folder / "pg"
        pg_folder.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(pg_folder, "postgres", "postgres")
        # Trust on 127.0.0.1 only: this machine's cluster. A deployment uses passwords (docs/deploying.md).
        run(
            as_postgres(
                [self.pg_bin / "initdb", "-D", self.pg_data("primary"), "-U", "postgres", "-A", "trust"]
                + ["-E", "UTF8", "--locale=C.UTF-8"]
            )
        )
        with (self.pg_data("primary") / "postgresql.auto.conf").open("a") as conf:
            # A replica that falls behind finds the WAL it needs (a deployment archives it too).
            conf.write("wal_keep_size = '256MB'\n")
        self.start_postgres("primary")
        run(
            as_postgres(
                ["psql", "-h", HOST, "-p", self.ports["primary"], "-U", "postgres", "-c", f"CREATE DATABASE {DATABASE}"]
            )
        )

    def create_replica(self) -> None:
        """A streaming replica from a base backup of the primary; -R writes its primary_conninfo."""
        run(
            as_postgres(
                [self.pg_bin / "pg_basebackup", "-h", HOST, "-p", self.ports["primary"], "-U", "postgres"]
                + ["-D", self.pg_data("replica"), "-R", "-X", "stream", "-c", "fast"]
            )
        )
        self.start_postgres("replica")

    # The other servers -------------------------------------------------------------------------

    def start_redis(self) -> None:
        self.spawn(
            "redis",
            ["redis-server", "--bind", HOST, "--port", self.ports["redis"], "--save", "", "--appendonly", "no"]
            + ["--dir", self.folder / "run"],
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection((HOST, self.ports["redis"]), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or not self.alive("redis"):
                raise RuntimeError(f"redis-server did not start:\n{self.tail('redis')}")
            time.sleep(0.1)

    def start_s3(self) -> None:
        """moto's S3 server, and the media bucket in it, readable by anyone (readers load media from it)."""
        moto = Path(sys.executable).parent / "moto_server"
        self.spawn("s3", [moto, "-H", HOST, "-p", self.ports["s3"]])
        self.wait_for("s3", f"http://{HOST}:{self.ports['s3']}/", 60)
        import boto3  # a dependency of django-storages' S3 backend, installed with the site

        env = self.env()
        client = boto3.client(
            "s3",
            endpoint_url=env["NEWSROOM_MEDIA_S3_ENDPOINT"],
            region_name=S3_REGION,
            aws_access_key_id=env["NEWSROOM_MEDIA_S3_ACCESS_KEY"],
            aws_secret_access_key=env["NEWSROOM_MEDIA_S3_SECRET_KEY"],
        )
        if BUCKET not in [bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])]:
            client.create_bucket(Bucket=BUCKET)
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
            ],
        }
        client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))

    def manage(self, *arguments: str, timeout: float = 600) -> str:
        return run(
            [sys.executable, PROJECT_ROOT / "manage.py", *arguments], env=self.env(), cwd=PROJECT_ROOT, timeout=timeout
        ).stdout

    def prepare_site(self) -> None:
        """`make serve`'s preparation on the primary: migrations, the demo into an empty database, static files."""
        script = "import serve; serve.prepare_site(load_demo=True)"
        env = {
            **self.env(),
            "PYTHONPATH": str(PROJECT_ROOT / "scripts"),
            "HOST": HOST,
            "PORT": str(self.ports["varnish"]),
        }
        result = subprocess.run(
            [sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900
        )
        self.log_file("prepare").write_text(result.stdout + result.stderr)
        if result.returncode != 0:
            raise RuntimeError(f"migrations or the demo failed:\n{(result.stdout + result.stderr)[-3000:]}")
        self.manage("shell", "-c", ADMIN.format(password=self.admin_password))

    def start_app(self, name: str) -> None:
        recycling = worker_recycling(os.environ)
        command = gunicorn_command(
            f"{HOST}:{self.ports[name]}",
            self.workers,
            recycling,
            access_log=str(self.log_file(f"{name}-access")),
            error_log="-",
        )
        self.spawn(name, command)

    def wait_for_app(self, name: str) -> None:
        self.wait_for(name, self.app_url(name) + "/robots.txt", STARTUP_SECONDS, {200})

    def start_worker(self) -> None:
        """The task worker (mail, purges of Varnish with retries) and its recurring tasks, as scripts/serve.py plans them."""
        self.manage("flush_readings", "--schedule")
        self.manage("newsletters_tick", "--schedule")
        self.spawn("worker", [sys.executable, PROJECT_ROOT / "manage.py", "worker", "--no-reload", "--interval", "1"])

    def write_backends_vcl(self) -> Path:
        """newsroom-backends.vcl, the deployment's part of the shipped VCL, written by deploy/varnish/backends.py:
        the two app servers, and the address that may purge (the task worker's, this machine's)."""
        apps = [argument for name in APP_SERVERS for argument in ("--app", f"{HOST}:{self.ports[name]}")]
        result = run([sys.executable, VCL.parent / "backends.py", *apps, "--purger", HOST])
        path = self.folder / "varnish-vcl" / "newsroom-backends.vcl"
        path.parent.mkdir(exist_ok=True)
        path.parent.chmod(0o755)
        path.write_text(result.stdout)
        path.chmod(0o644)  # read by Varnish's own user when it compiles the VCL
        return path

    def start_varnish(self, seconds: float = 60) -> None:
        backends = self.write_backends_vcl()
        self.spawn(
            "varnish",
            ["varnishd", "-F", "-n", self.folder / "varnish", "-f", VCL]
            # Our backends first, then the shipped folder (its newsroom-backends.vcl is only a fallback).
            + ["-p", f"vcl_path={backends.parent}:{VCL.parent}"]
            + ["-a", f"{HOST}:{self.ports['varnish']}", "-T", f"{HOST}:{self.ports['varnish_admin']}"]
            + ["-s", "malloc,256m"],
        )
        self.wait_for("varnish", self.varnish_url + "/robots.txt", seconds, {200})

    def stop_varnish(self) -> None:
        self.stop_process("varnish")

    # The whole cluster --------------------------------------------------------------------------

    def running(self) -> list[str]:
        names = [name for name in PROCESSES if self.alive(name)]
        return names + [server for server in ("primary", "replica") if self.pg_running(server)]

    def start(self) -> None:
        if self.running():
            raise RuntimeError(f"already running in {self.folder}: {', '.join(self.running())}")
        for folder in ("run", "log"):
            (self.folder / folder).mkdir(parents=True, exist_ok=True)
        # PostgreSQL's user must reach its folder inside this one.
        self.folder.chmod(0o755)
        self.state_file.write_text(json.dumps(self._state, indent=2))
        self.state_file.chmod(0o600)
        try:
            fresh = not self.pg_data("primary").exists()
            log(f"== PostgreSQL primary on {HOST}:{self.ports['primary']}" + (" (new)" if fresh else ""))
            if fresh:
                self.create_primary()
            else:
                self.start_postgres("primary")
            log(f"== PostgreSQL streaming replica on {HOST}:{self.ports['replica']}")
            if not self.pg_data("replica").exists():
                self.create_replica()
            else:
                self.start_postgres("replica")
            log(f"== Redis on {HOST}:{self.ports['redis']}")
            self.start_redis()
            log(f"== S3 (moto) on {HOST}:{self.ports['s3']}, bucket {BUCKET}")
            self.start_s3()
            log("== migrations, demo newsroom, static files, admin")
            self.prepare_site()
            for name in APP_SERVERS:
                log(f"== app server {name} (gunicorn, {self.workers} workers) on {HOST}:{self.ports[name]}")
                self.start_app(name)
            log("== task worker")
            self.start_worker()
            for name in APP_SERVERS:
                self.wait_for_app(name)
            log(f"== Varnish on {HOST}:{self.ports['varnish']}")
            self.start_varnish()
        except BaseException:
            log("!! the cluster did not start: stopping what did")
            self.stop()
            raise

    def stop(self) -> list[str]:
        """Stop every process of the cluster; return the ports still taken (none, when all went well)."""
        for name in PROCESSES:
            if self.alive(name):
                self.stop_process(name)
            self.pid_file(name).unlink(missing_ok=True)
        for server in ("replica", "primary"):
            self.stop_postgres(server)
        deadline = time.monotonic() + 10
        while True:
            taken = [f"{name} {port}" for name, port in self.ports.items() if not port_is_free(port)]
            if not taken or time.monotonic() > deadline:
                return taken
            time.sleep(0.2)

    def describe(self) -> str:
        return "\n".join(
            [
                f"The site through Varnish:  {self.varnish_url}/",
                f"The admin:                 {self.varnish_url}/admin/  (login « admin », password {self.admin_password})",
                f"App servers:               {self.app_url('app1')}/  {self.app_url('app2')}/",
                f"PostgreSQL:                {self.database_url('primary')} (replica {self.database_url('replica')})",
                f"Media bucket:              {self.media_url}/",
                f"Logs and pid files:        {self.folder}/log/, {self.folder}/run/",
                "Stop it all with:          make cluster-stop",
            ]
        )


# The admin of the cluster, made once (its password kept in cluster.json, mode 600).
ADMIN = """
from django.contrib.auth.models import User
if not User.objects.filter(username="admin").exists():
    User.objects.create_superuser("admin", "admin@redaction.example", "{password}")
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop", "status"])
    parser.add_argument("--folder", type=Path, default=Path(os.environ.get("CLUSTER_DIR") or DEFAULT_FOLDER))
    args = parser.parse_args(argv)
    os.chdir(PROJECT_ROOT)
    if args.action != "start" and not (args.folder / "cluster.json").exists():
        log(f"No cluster in {args.folder}.")
        return 0
    cluster = Cluster(args.folder)
    if args.action == "start":
        running = cluster.running()
        if running:
            log(f"The cluster is already running in {args.folder} ({', '.join(running)}).")
        else:
            cluster.start()
            log("== the cluster is running")
        log(cluster.describe())
    elif args.action == "status":
        running = cluster.running()
        log(f"Running in {args.folder}: {', '.join(running) or 'nothing'}")
    else:
        taken = cluster.stop()
        if taken:
            log(f"!! ports still taken after the stop: {', '.join(taken)}")
            return 1
        log(f"Stopped: nothing of the cluster in {args.folder} is running, its ports are free.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
