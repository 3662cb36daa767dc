"""Write newsroom-backends.vcl, the deployment's part of deploy/varnish/newsroom.vcl.

    python deploy/varnish/backends.py --app 10.0.0.2:8000 --app 10.0.0.3:8000 \
        --purger 10.0.0.2 --purger 10.0.0.3 > /etc/varnish/newsroom-backends.vcl

Each ``--app`` is an app server (host:port), probed on /sante/ and added to the round-robin
director; each ``--purger`` an address or network (``10.0.0.0/24``) allowed to PURGE (by default
127.0.0.1 and ::1). Standard library only: it runs before the project's virtualenv exists.
"""

import argparse
import ipaddress
import sys


def backends_vcl(apps: list[str], purgers: list[str]) -> str:
    """The VCL declaring these app servers and the addresses allowed to purge."""
    lines = ["# Written by deploy/varnish/backends.py: the app servers and who may purge.", ""]
    names = []
    for number, app in enumerate(apps, start=1):
        host, _, port = app.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"an app server is host:port, not {app!r}")
        name = f"app{number}"
        names.append(name)
        lines += [
            f"backend {name} {{",
            f'    .host = "{host.strip("[]")}";',
            f'    .port = "{port}";',
            "    .probe = newsroom_health;",
            # A server that does not take the connection at once is tried no longer: the next one is.
            "    .connect_timeout = 1s;",
            "}",
            "",
        ]
    lines += ["sub newsroom_add_backends {", *(f"    newsroom.add_backend({name});" for name in names), "}", ""]
    lines.append("acl newsroom_purgers {")
    for purger in purgers:
        network = ipaddress.ip_network(purger, strict=False)
        if network.num_addresses == 1:
            lines.append(f'    "{network.network_address}";')
        else:
            lines.append(f'    "{network.network_address}"/{network.prefixlen};')
    lines += ["}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", action="append", required=True, help="an app server, host:port")
    parser.add_argument("--purger", action="append", help="an address or network allowed to PURGE")
    arguments = parser.parse_args(argv)
    sys.stdout.write(backends_vcl(arguments.app, arguments.purger or ["127.0.0.1", "::1"]))


if __name__ == "__main__":
    main()
