"""The files a run leaves in its workspace are reported, and never leak host files."""

from __future__ import annotations

import pytest

from .attacks import OneOf, attempts, python_probe

pytestmark = pytest.mark.sandbox

PLANT_SYMLINKS = {
    "python": """\
import os

os.symlink("/etc/shadow", "shadow")
os.symlink("/etc/passwd", "passwd")
os.symlink("../../..", "up")
os.symlink("/", "root")
os.makedirs("folder")
os.symlink("/etc", "folder/etc")
os.symlink("../../../../../../etc/passwd", "folder/passwd")
with open("kept.txt", "w") as file:
    file.write("kept")
print("planted", sorted(os.listdir(".")))
""",
    "node": """\
const fs = require("fs");

fs.symlinkSync("/etc/shadow", "shadow");
fs.symlinkSync("/etc/passwd", "passwd");
fs.symlinkSync("../../..", "up");
fs.symlinkSync("/", "root");
fs.mkdirSync("folder");
fs.symlinkSync("/etc", "folder/etc");
fs.symlinkSync("../../../../../../etc/passwd", "folder/passwd");
fs.writeFileSync("kept.txt", "kept");
console.log("planted", fs.readdirSync(".").sort());
""",
}


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_symlinks_planted_in_the_workspace_are_not_followed_when_collecting(run, runtime):
    outcome = run(PLANT_SYMLINKS[runtime], runtime)

    assert "planted" in outcome.stdout, outcome.stderr
    assert outcome.result.files == {"kept.txt": b"kept"}
    assert not any(b"root:" in content for content in outcome.result.files.values())


def test_a_hardlink_to_a_host_file_cannot_be_made(run):
    program = python_probe(
        "import os, sys\n"
        "attempt('link /etc/passwd', lambda: os.link('/etc/passwd', 'passwd'))\n"
        "attempt('link the interpreter', lambda: os.link(sys.executable, 'python'))\n"
        "attempt('link /usr/bin/env', lambda: os.link('/usr/bin/env', 'env'))\n"
    )

    outcome = run(program)

    cannot_link = OneOf("EXDEV", "EPERM", "EACCES", "EROFS")
    assert attempts(outcome.stdout) == {
        "link /etc/passwd": cannot_link,
        "link the interpreter": cannot_link,
        "link /usr/bin/env": cannot_link,
    }, outcome.stderr
    assert outcome.result.files == {}


def test_an_uploaded_file_replaced_by_a_symlink_is_not_read_through_it(run):
    program = "import os\nos.remove('data.txt')\nos.symlink('/etc/passwd', 'data.txt')\n"

    outcome = run(program, files={"data.txt": b"mine"})

    assert outcome.status == "succeeded", outcome.stderr
    assert "data.txt" not in outcome.result.files
    assert not any(b"root:" in content for content in outcome.result.files.values())


def test_a_fifo_in_the_workspace_does_not_hang_collection(run):
    program = (
        "import os\nos.mkfifo('pipe')\nos.mkfifo('another-pipe')\n"
        "open('kept.txt', 'w').write('kept')\nprint('made fifos')\n"
    )
    outcome = run(program)  # opening a FIFO to copy it would block until the test times out

    assert outcome.stdout == "made fifos\n", outcome.stderr
    assert outcome.result.files == {"kept.txt": b"kept"}


CHANGE_FILES = {
    "python": """\
import os

with open("new.txt", "w") as file:
    file.write("new")
os.makedirs("out")
with open("out/data.bin", "wb") as file:
    file.write(bytes(range(256)))
with open("change.txt", "a") as file:
    file.write(" and more")
os.remove("gone.txt")
with open("/tmp/scratch.txt", "w") as file:
    file.write("not collected")
""",
    "node": """\
const fs = require("fs");

fs.writeFileSync("new.txt", "new");
fs.mkdirSync("out");
fs.writeFileSync("out/data.bin", Buffer.from([...Array(256).keys()]));
fs.appendFileSync("change.txt", " and more");
fs.unlinkSync("gone.txt");
fs.writeFileSync("/tmp/scratch.txt", "not collected");
""",
}


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_files_created_changed_and_deleted_in_the_workspace_are_reported(run, runtime):
    uploaded = {"keep.txt": b"same", "change.txt": b"before", "gone.txt": b"bye"}

    outcome = run(CHANGE_FILES[runtime], runtime, files=uploaded)

    assert outcome.status == "succeeded", outcome.stderr
    assert outcome.result.files == {
        "new.txt": b"new",
        "out/data.bin": bytes(range(256)),
        "change.txt": b"before and more",
    }
    assert outcome.result.deleted_files == ("gone.txt",)
