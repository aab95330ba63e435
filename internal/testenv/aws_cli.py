"""Runs AWS CLI commands for groundwork's tests, many in one process.

Each command is the AWS CLI's own (awscli.clidriver, as the `aws` script
runs it), with a new botocore session made from the environment the
request gives, so it resolves credentials, Region, endpoint and proxy as a
new `aws` process would. Only the interpreter's start and the loading of
the CLI's and services' data files, about half a second of CPU per
command, are shared.

Protocol: one JSON request per line on stdin, {"args": [...], "env":
{...}}; one JSON answer per line on stdout, {"code": N, "stdout": "...",
"stderr": "..."}.

Run as: python -c <this file>.
"""

import io
import json
import os
import sys

import botocore.session
from awscli import clidriver
from awscli.plugin import load_plugins
from botocore.loaders import create_loader


# awscli puts its own data directory on AWS_DATA_PATH when imported, as
# the `aws` script does in every process: keep it there for each command.
AWSCLI_DATA_PATH = os.environ["AWS_DATA_PATH"]


def run(args, env, loader):
    os.environ.clear()
    os.environ.update(env)
    os.environ["AWS_DATA_PATH"] = os.pathsep.join(filter(None, [env.get("AWS_DATA_PATH"), AWSCLI_DATA_PATH]))
    session = botocore.session.Session(clidriver.EnvironmentVariables)
    # The data files (service models, endpoints) do not depend on the
    # environment; one loader keeps them parsed across commands.
    session.register_component("data_loader", loader)
    clidriver._set_user_agent_for_session(session)
    load_plugins(session.full_config.get("plugins", {}), event_hooks=session.get_component("event_emitter"))
    driver = clidriver.CLIDriver(session=session)
    out, err = io.BytesIO(), io.BytesIO()
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    try:
        code = driver.main(args)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
            stream.detach()  # so that closing the wrapper leaves the buffer readable
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    return code, out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace")


def main():
    loader = create_loader(AWSCLI_DATA_PATH)
    answers = sys.__stdout__
    for line in sys.stdin:
        request = json.loads(line)
        code, stdout, stderr = run(request["args"], request["env"], loader)
        answers.write(json.dumps({"code": code, "stdout": stdout, "stderr": stderr}) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
