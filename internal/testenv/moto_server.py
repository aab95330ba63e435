"""Runs moto's server for groundwork's tests, less the costs moto 5.2 pays
for nothing; what the server answers stays the same.

Every request looks for the caller's access key in the IAM backend of every
partition of every account (moto.iam.models.get_account_id_from), and
looking creates the backends that do not exist yet: six per account, each
parsing the ~1,300 AWS managed policies from one large JSON string. That
was a third of the server's time in the e2e tests. A backend not made yet
holds no access keys, so the search here looks only in those that exist,
and the policies' JSON is parsed once per process instead of once per
backend.

A reset (POST /moto-api/reset) re-ran the constructor of every backend in
use, loading every IAM backend's managed policies and every EC2 backend's
AMIs again, only to drop them all right after; it was a fifth of the
server's time. Here it only drops them: every request finds its backend in
these dictionaries, so the next one gets a new, empty backend either way.

Every request listed the directories of the moto package, under a lock
that serializes requests, to see whether the host names a service
(moto.backends.list_of_moto_modules); the list is made once here. And
every request was logged to a standard error nobody reads.

Run as: python -c <this file> [moto_server arguments].
"""

import json
import sys

from moto import backends as moto_backends
from moto.core.base_backend import BackendDict, backend_lock
from moto.iam import models as iam
from moto.iam.aws_managed_policies import aws_managed_policies_data
from moto.moto_server.werkzeug_app import MotoRequestHandler
from moto.server import main
from moto.settings import load_iam_aws_managed_policies


def get_account_id_from(access_key):
    for account_id, account in list(iam.iam_backends.items()):
        for partition in iam.PARTITION_NAMES:
            # dict.get, unlike account[partition], does not create the backend.
            backend = dict.get(account, partition)
            if backend is not None and access_key in backend.access_keys:
                return account_id
    return iam.DEFAULT_ACCOUNT_ID


_managed_policies = json.loads(aws_managed_policies_data)


def _init_aws_policies(self):
    if not load_iam_aws_managed_policies():
        return []
    return [
        iam.AWSManagedPolicy.from_data(name, self.account_id, self.region_name, data)
        for name, data in _managed_policies.items()
    ]


def reset(cls):
    with backend_lock:
        for backends in BackendDict._instances:
            for account in backends.values():
                dict.clear(account)
            backends.clear()
        BackendDict._instances.clear()


_moto_modules = tuple(moto_backends.list_of_moto_modules())


def list_of_moto_modules():
    return iter(_moto_modules)


def log_request(self, code="-", size="-"):
    pass


iam.get_account_id_from = get_account_id_from
iam.IAMBackend._init_aws_policies = _init_aws_policies
BackendDict.reset = classmethod(reset)
moto_backends.list_of_moto_modules = list_of_moto_modules
MotoRequestHandler.log_request = log_request

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
