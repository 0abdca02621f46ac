# moto_server with IAM enforcement made usable for the deployed-system tests.
# StartMotoIAM runs this file with the Python that runs moto_server; the
# arguments are moto_server's. Each patch below fixes one thing moto 5.2 gets
# wrong when it enforces IAM (INITIAL_NO_AUTH_ACTION_COUNT, or
# /moto-api/reset-auth), and nothing else: without them no signed request
# with a "/" in its query would pass, no role trusted by an AWS service could
# be assumed, and no Secrets Manager or KMS statement scoped to an ARN would
# ever match. docs/security.md lists what moto still does not evaluate.
import json
import sys
from urllib.parse import quote, unquote

import moto
from moto.iam import access_control
from moto.kms.responses import KmsResponse
from moto.secretsmanager.responses import SecretsManagerResponse

if not moto.__version__.startswith("5."):
    sys.exit(f"motoiam.py patches moto 5 (moto/iam/access_control.py); this is moto {moto.__version__}")

# 1. moto recomputes a request's signature from its URL after decoding the
#    query, so a signed "prefix=exports%2F" is checked as "prefix=exports/"
#    and refused (SignatureDoesNotMatch): encode the query again, as SigV4's
#    canonical request has it. And for a request with no body (a REST GET,
#    e.g. scheduler:GetSchedule) it hashes its parsed parameters as the
#    payload: hash the empty body that was signed.
_create_aws_request = access_control.IAMRequestBase._create_aws_request


def _canonical_query(self):
    path, sep, query = self._path.partition("?")
    if sep:
        pairs = []
        for pair in query.split("&"):
            k, eq, v = pair.partition("=")
            pairs.append(quote(unquote(k), safe="-_.~") + eq + quote(unquote(v), safe="-_.~"))
        self._path = path + "?" + "&".join(pairs)
    if self._body or self._method not in ("GET", "HEAD", "DELETE"):
        return _create_aws_request(self)
    data, self._data = self._data, b""
    try:
        return _create_aws_request(self)
    finally:
        self._data = data


access_control.IAMRequestBase._create_aws_request = _canonical_query


# 2. moto reads only Principal.AWS of a trust policy; a Service principal
#    (ecs-tasks.amazonaws.com) raises a TypeError (HTTP 500). Here an
#    account's root ARN trusts that account's principals, and a Service
#    principal is matched by the IAM user named after it: the tests play ECS
#    as the user "ecs-tasks.amazonaws.com", so a role that does not trust ECS
#    cannot be assumed by it.
def _as_list(v):
    if v is None:
        return []
    return [v] if isinstance(v, str) else list(v)


def _check_principal(self, principal):
    expected = self._statement.get("Principal")
    if not expected or expected == "*":
        return True
    account = principal.split(":")[4] if principal.count(":") >= 5 else ""
    for p in _as_list(expected.get("AWS")):
        if p in ("*", principal, account) or (p.endswith(":root") and p.split(":")[4] == account):
            return True
    return any(principal.endswith(":user/" + s) for s in _as_list(expected.get("Service")))


access_control.IAMPolicyStatement._check_principal = _check_principal


# 3. moto checks every Secrets Manager and KMS call against the resource "*",
#    so a statement scoped to a secret's or a key's ARN never matches. Name
#    the secret or key the request names, as AWS does.
def _resource_named_by(param, arn_of):
    def determine(self):
        try:
            name = json.loads(self.body or "{}").get(param)
            if name:
                return arn_of(self, name)
        except Exception:  # an unknown secret or key: the call itself says so
            pass
        return "*"

    return determine


SecretsManagerResponse._determine_resource = _resource_named_by(
    "SecretId", lambda self, name: self.backend.describe_secret(name).arn)
KmsResponse._determine_resource = _resource_named_by(
    "KeyId", lambda self, name: self.kms_backend.describe_key(name).arn)

if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
