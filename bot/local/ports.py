"""The local stack's ports, checked before anything starts.

A port another program holds (AirPlay takes 5000 on macOS, many dev servers 3000) used to end `make run` in a
botocore traceback, or worse in "Parley is up" with the other program answering Slack's requests. So the stack
looks first, and names each taken port, what it was for and the variable that moves it.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

from bot.local.processes import free_port, port_open
from bot.settings import Settings


@dataclass(frozen=True)
class Port:
    number: int
    what: str  # what the stack runs there
    variable: str  # the setting that moves it


class PortsTaken(RuntimeError):
    """One or more of the stack's ports is taken: the message names them and how to choose others."""


def stack_ports(settings: Settings) -> list[Port]:
    return [
        Port(settings.moto_port, "moto server, the local AWS", "PARLEY_MOTO_PORT"),
        Port(settings.http_port, "serverless offline's HTTP API, where Slack's requests arrive", "PARLEY_HTTP_PORT"),
        Port(settings.lambda_port, "serverless offline's Lambda API", "PARLEY_LAMBDA_PORT"),
        Port(settings.slack_port, "the Slack stand-in", "PARLEY_SLACK_PORT"),
        Port(settings.workflows_port, "the durable-execution emulator, where workflows run", "PARLEY_WORKFLOWS_PORT"),
    ]


def taken(port: int) -> bool:
    """Something answers on 127.0.0.1:port, or it cannot be bound (held on another address, e.g. 0.0.0.0)."""
    if port_open(port):
        return True
    with socket.socket() as sock:
        # as the servers themselves bind: a port still in TIME_WAIT from a stack just stopped is free
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def check_ports(settings: Settings) -> None:
    """Raise PortsTaken naming every taken port of the stack, with free ones to use instead."""
    busy = [port for port in stack_ports(settings) if taken(port.number)]
    if not busy:
        return
    lines = [f"port {port.number} ({port.what}) is taken by another program" for port in busy]
    instead = " ".join(f"{port.variable}={free_port()}" for port in busy)
    lines.append(f"Stop that program, or choose other ports: {instead} make run")
    raise PortsTaken("\n".join(lines))


class StackNotRunning(RuntimeError):
    """An operator command for a local stage found no running stack to talk to."""


def running_moto(stage: str) -> str:
    """The URL of the running local stack's moto server for `stage` (`make redrive`, `make workflows` on a local
    stage), or StackNotRunning saying how to start it."""
    port = Settings(stage=stage).moto_port
    if not port_open(port):
        raise StackNotRunning(f"nothing is running on 127.0.0.1:{port}, where stage {stage}'s moto server would be: "
                              "start the local stack with `make run` (in another terminal), or set PARLEY_MOTO_PORT "
                              "to the port it runs on")
    return f"http://127.0.0.1:{port}"
