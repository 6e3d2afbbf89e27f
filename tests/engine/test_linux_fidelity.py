"""Inside, the standard library behaves as on a normal Linux machine: users and groups,
service names, the time zone, the open-files limit. Every test runs on both backends."""

from __future__ import annotations

import json
import os
import time

import pytest

pytestmark = pytest.mark.sandbox


def report(outcome) -> dict:
    assert outcome.status == "succeeded", outcome.stdout + outcome.stderr
    return json.loads(outcome.stdout.strip().splitlines()[-1])


MAPPED_IDS = """\
def mapped(path):
    ranges = [tuple(map(int, line.split())) for line in open(path)]
    return lambda i: any(inside <= i < inside + count for inside, _, count in ranges)
uid_mapped, gid_mapped = mapped("/proc/self/uid_map"), mapped("/proc/self/gid_map")
"""


def test_users_and_groups_named_inside_are_exactly_the_mapped_ones(run):
    outcome = run(
        "import grp, json, os, pwd\n"
        + MAPPED_IDS
        + "users = {u.pw_uid: u.pw_name for u in pwd.getpwall()}\n"
        "groups = {g.gr_gid: g.gr_name for g in grp.getgrall()}\n"
        "print(json.dumps({\n"
        "  'users': users, 'groups': groups, 'me': pwd.getpwuid(os.getuid()).pw_name,\n"
        "  'unmapped_users': [u for u in users if not uid_mapped(u)],\n"
        "  'unmapped_groups': [g for g in groups if not gid_mapped(g)],\n"
        "  'root_mapped': uid_mapped(0) and gid_mapped(0),\n"
        "}))\n"
    )

    seen = report(outcome)
    assert seen["me"] == "sandbox"
    assert seen["unmapped_users"] == [] and seen["unmapped_groups"] == []
    # Where root is mapped (gVisor), it is named: getgrgid(0) works, as tarfile and
    # shutil's owner names need.
    if seen["root_mapped"]:
        assert seen["users"]["0"] == "root" and seen["groups"]["0"] == "root"


def test_changing_owner_to_a_named_user_is_a_permission_error(run):
    outcome = run(
        "import grp, json, os, pwd\n"
        "open('/tmp/file', 'w').close()\n"
        "errors = {}\n"
        "for user in pwd.getpwall():\n"
        "    if user.pw_uid != os.getuid():\n"
        "        try:\n"
        "            os.chown('/tmp/file', user.pw_uid, -1)\n"
        "            errors[user.pw_name] = 'changed'\n"
        "        except OSError as error:\n"
        "            errors[user.pw_name] = type(error).__name__\n"
        "print(json.dumps(errors))\n"
    )

    assert set(report(outcome).values()) <= {"PermissionError"}


def test_archives_keep_the_owners_names(run):
    outcome = run(
        "import grp, json, os, pwd, shutil, tarfile\n"
        "me, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name\n"
        "archive = shutil.make_archive('/tmp/a', 'gztar', root_dir='/workspace',"
        " owner=me, group=group)\n"
        "with tarfile.open('/tmp/plain.tar', 'w') as plain:\n"
        "    plain.add('/workspace/main.py', 'main.py')\n"
        "names = set()\n"
        "for path in (archive, '/tmp/plain.tar'):\n"
        "    with tarfile.open(path) as tar:\n"
        "        names |= {(m.uname, m.gname) for m in tar.getmembers()}\n"
        "print(json.dumps(sorted(names)))\n"
    )

    assert report(outcome) == [["sandbox", "sandbox"]]


def test_service_and_protocol_names_resolve(run):
    outcome = run(
        "import json, socket\n"
        "print(json.dumps({\n"
        "  'http': socket.getservbyname('http', 'tcp'),\n"
        "  'https': socket.getservbyname('https'),\n"
        "  'port 22': socket.getservbyport(22),\n"
        "  'tcp': socket.getprotobyname('tcp'),\n"
        "  'getaddrinfo': socket.getaddrinfo('localhost', 'http', type=socket.SOCK_STREAM)"
        "[0][4][1],\n"
        "}))\n"
    )

    assert report(outcome) == {
        "http": 80,
        "https": 443,
        "port 22": "ssh",
        "tcp": 6,
        "getaddrinfo": 80,
    }


@pytest.mark.skipif(
    not os.path.islink("/etc/localtime"), reason="this host's /etc/localtime is not a link"
)
def test_localtime_is_the_hosts_link_into_zoneinfo(run):
    outcome = run(
        "import json, os, time\n"
        "print(json.dumps({'link': os.readlink('/etc/localtime'), 'zone': time.tzname[0]}))\n"
    )

    seen = report(outcome)
    host_target = os.path.normpath(os.path.join("/etc", os.readlink("/etc/localtime")))
    assert seen["link"] == host_target
    assert seen["link"].startswith("/usr/share/zoneinfo/")
    assert seen["zone"] == time.tzname[0]


def test_a_program_starts_with_1024_open_files_and_may_raise_its_own_soft_limit(run):
    outcome = run(
        "import json, resource\n"
        "start = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (start[1], start[1]))\n"
        "raised = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "try:\n"
        "    resource.setrlimit(resource.RLIMIT_NOFILE, (start[1], start[1] * 2))\n"
        "    beyond = 'raised'\n"
        "except (ValueError, OSError) as error:\n"
        "    beyond = type(error).__name__\n"
        "print(json.dumps({'start': start, 'raised': raised, 'beyond': beyond}))\n"
    )

    seen = report(outcome)
    assert seen["start"] == [1024, 4096]
    assert seen["raised"] == [4096, 4096]
    assert seen["beyond"] in ("ValueError", "PermissionError")
