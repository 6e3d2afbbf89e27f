"""A program has no network: no host loopback service, no DNS, no metadata address; and
with network (`internet`), still none of the host's services nor the metadata address."""

from __future__ import annotations

import json

import pytest

from .attacks import (
    NO_NAME_SERVICE,
    REFUSED,
    OneOf,
    attempts,
    host_can_connect,
    listening_abstract_socket,
    listening_tcp_socket,
    node_probe,
    python_probe,
)

pytestmark = pytest.mark.sandbox
ATTACKS_WITH_NETWORK = True  # each case also with network `internet` (conftest.py)

PYTHON_CONNECT = """\
import socket


def connect(address):
    family = socket.AF_UNIX if isinstance(address, str) else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as client:
        client.settimeout(3)
        client.connect(address)
    return "connected"


"""

NODE_CONNECT = """\
const net = require("net");

function connect(options) {
  return new Promise((resolve, reject) => {
    const client = net.connect(options, () => {
      client.destroy();
      resolve("connected");
    });
    client.setTimeout(3000, () => {
      client.destroy();
      reject(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" }));
    });
    client.on("error", reject);
  });
}
"""


def connect_probe(runtime: str, label: str, host: str, port: int) -> str:
    if runtime == "python":
        return python_probe(
            PYTHON_CONNECT + f"attempt({label!r}, lambda: connect(({host!r}, {port})))\n"
        )
    return NODE_CONNECT + node_probe(
        f"const address = {{ host: {json.dumps(host)}, port: {port} }};\n"
        f"await attempt({json.dumps(label)}, () => connect(address));"
    )


@pytest.mark.parametrize("runtime", ["python", "node"])
@pytest.mark.parametrize("service, port", [("PostgreSQL", 5432), ("Redis", 6379)])
def test_a_program_cannot_reach_a_service_on_the_hosts_loopback(run, service, port, runtime):
    if not host_can_connect(("127.0.0.1", port)):
        pytest.skip(f"{service} does not listen on the host's 127.0.0.1:{port}")

    outcome = run(connect_probe(runtime, service, "127.0.0.1", port), runtime)

    assert attempts(outcome.stdout) == {service: OneOf(REFUSED)}, outcome.stderr


PYTHON_OWN_LISTENER = """
with socket.socket() as server:
    server.bind(("127.0.0.1", PORT))
    server.listen()
    print("own listener:", connect(("127.0.0.1", PORT)))
"""

NODE_OWN_LISTENER = """
const server = net.createServer((socket) => socket.destroy());
await new Promise((resolve) => server.listen(PORT, "127.0.0.1", resolve));
console.log("own listener:", await connect({ host: "127.0.0.1", port: PORT }));
server.close();
"""


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_port_the_host_listens_on_is_refused_yet_the_program_may_use_it_itself(run, runtime):
    with listening_tcp_socket() as port:
        assert host_can_connect(("127.0.0.1", port))
        if runtime == "python":
            program = python_probe(
                PYTHON_CONNECT
                + f"PORT = {port}\n"
                + "attempt('host port', lambda: connect(('127.0.0.1', PORT)))\n"
                + PYTHON_OWN_LISTENER
            )
        else:
            program = NODE_CONNECT + node_probe(
                f"const PORT = {port};\n"
                "await attempt('host port', () => connect({ host: '127.0.0.1', port: PORT }));\n"
                + NODE_OWN_LISTENER
            )

        outcome = run(program, runtime)

    assert attempts(outcome.stdout) == {"host port": OneOf(REFUSED)}, outcome.stderr
    assert "own listener: connected" in outcome.stdout


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_the_cloud_metadata_address_is_unreachable(run, runtime):
    outcome = run(connect_probe(runtime, "metadata", "169.254.169.254", 80), runtime)

    assert attempts(outcome.stdout) == {"metadata": OneOf(REFUSED)}, outcome.stderr


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_host_name_does_not_resolve(run, runtime):
    if runtime == "python":
        program = python_probe(
            "import socket\nattempt('dns', lambda: socket.getaddrinfo('example.com', 443))\n"
        )
    else:
        program = node_probe(
            "const dns = require('dns').promises;\n"
            "await attempt('dns', () => dns.lookup('example.com'));\n"
            "await attempt('resolver', () => dns.resolve4('example.com'));\n"
        )

    outcome = run(program, runtime)

    expected = {"dns": OneOf(NO_NAME_SERVICE)}
    if runtime == "node":
        expected["resolver"] = OneOf(NO_NAME_SERVICE)
    assert attempts(outcome.stdout) == expected, outcome.stderr


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_the_only_network_interface_is_loopback(run, runtime):
    program = {
        "python": "import socket\n"
        "print('interfaces:', *sorted(name for _, name in socket.if_nameindex()))",
        "node": "const names = Object.keys(require('os').networkInterfaces());\n"
        "console.log('interfaces:', ...names.sort());",
    }[runtime]

    outcome = run(program, runtime)

    expected = "interfaces: lo\n" if run.network == "none" else "interfaces: lo tap0\n"
    assert outcome.stdout == expected, outcome.stderr


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_an_abstract_unix_socket_of_the_host_is_unreachable(run, runtime):
    with listening_abstract_socket() as name:
        assert host_can_connect(name)
        if runtime == "python":
            program = python_probe(
                PYTHON_CONNECT + f"attempt('abstract', lambda: connect({name!r}))\n"
            )
        else:
            program = NODE_CONNECT + node_probe(
                f"await attempt('abstract', () => connect({{ path: {json.dumps(name)} }}));"
            )

        outcome = run(program, runtime)

    assert attempts(outcome.stdout) == {"abstract": OneOf("ECONNREFUSED", "ENOENT")}, outcome.stderr
