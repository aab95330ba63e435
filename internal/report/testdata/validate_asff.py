"""Validate ASFF findings against Security Hub's own API model.

Usage: validate_asff.py FILE...

Each FILE holds the input of BatchImportFindings, {"Findings": [...]}.
The schema is the securityhub service model that botocore ships (the one
the AWS CLI validates requests with): every required member, no unknown
member, every type, enum, pattern and length it declares. On top of it,
the rules of the ASFF reference that the model does not carry: times in
ISO 8601, the lengths of Title, Description and the remediation text,
the ProductFields limits, the type taxonomy's namespaces, and ProductArn
naming the account's default product. Prints one line per problem and
exits 1 when there is any.
"""

import datetime
import json
import re
import sys

import botocore.session
from botocore.validate import ParamValidator

TYPE_NAMESPACES = {
    "Software and Configuration Checks",
    "TTPs",
    "Effects",
    "Unusual Behaviors",
    "Sensitive Data Identifications",
}
TIME_FIELDS = ("CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt")


def walk(value, shape, path, problems):
    """Check enums, patterns and maximum lengths, which ParamValidator
    leaves out, everywhere in value."""
    meta = shape.metadata
    if shape.type_name == "structure":
        if not isinstance(value, dict):
            return
        for name, member in shape.members.items():
            if name in value:
                walk(value[name], member, f"{path}.{name}", problems)
    elif shape.type_name == "list":
        if not isinstance(value, list):
            return
        if "max" in meta and len(value) > meta["max"]:
            problems.append(f"{path}: {len(value)} items, at most {meta['max']}")
        for i, item in enumerate(value):
            walk(item, shape.member, f"{path}[{i}]", problems)
    elif shape.type_name == "map":
        if not isinstance(value, dict):
            return
        for k, v in value.items():
            walk(k, shape.key, f"{path} key {k!r}", problems)
            walk(v, shape.value, f"{path}[{k!r}]", problems)
    elif shape.type_name == "string" and isinstance(value, str):
        enum = getattr(shape, "enum", None)
        if enum and value not in enum:
            problems.append(f"{path}: {value!r} is not one of {enum}")
        if "pattern" in meta and not re.fullmatch(meta["pattern"], value, re.S):
            problems.append(f"{path}: {value!r} does not match {meta['pattern']!r}")
        if "max" in meta and len(value) > meta["max"]:
            problems.append(f"{path}: {len(value)} characters, at most {meta['max']}")


def asff_rules(finding, path, problems):
    """The rules of the ASFF reference beyond the model."""
    for field in TIME_FIELDS:
        if field in finding:
            try:
                datetime.datetime.fromisoformat(finding[field].replace("Z", "+00:00"))
            except (ValueError, AttributeError):
                problems.append(f"{path}.{field}: {finding[field]!r} is not an ISO 8601 time")
    for field, limit in (("Id", 512), ("Title", 256), ("Description", 1024)):
        if len(finding.get(field, "")) > limit:
            problems.append(f"{path}.{field}: longer than {limit} characters")
    text = finding.get("Remediation", {}).get("Recommendation", {}).get("Text", "")
    if len(text) > 512:
        problems.append(f"{path}.Remediation.Recommendation.Text: longer than 512 characters")
    fields = finding.get("ProductFields", {})
    if len(fields) > 50:
        problems.append(f"{path}.ProductFields: {len(fields)} pairs, at most 50")
    for k, v in fields.items():
        if len(k) > 128 or len(v) > 2048:
            problems.append(f"{path}.ProductFields[{k!r}]: key over 128 or value over 2048 characters")
    for i, t in enumerate(finding.get("Types", [])):
        parts = t.split("/")
        if len(parts) > 3 or parts[0] not in TYPE_NAMESPACES:
            problems.append(f"{path}.Types[{i}]: {t!r} is not namespace/category/classifier of the ASFF taxonomy")
    account = finding.get("AwsAccountId", "")
    if not re.fullmatch(r"\d{12}", account):
        problems.append(f"{path}.AwsAccountId: {account!r} is not an account ID")
    arn = finding.get("ProductArn", "")
    if not re.fullmatch(rf"arn:aws:securityhub:[a-z0-9-]+:{account}:product/{account}/default", arn):
        problems.append(f"{path}.ProductArn: {arn!r} is not the default product of account {account}")
    if "Severity" not in finding or "Label" not in finding["Severity"]:
        problems.append(f"{path}.Severity.Label: missing")
    if not finding.get("Types"):
        problems.append(f"{path}.Types: missing")


def validate(doc):
    # An audit with nothing to report has nothing to import: the file holds
    # no finding, which BatchImportFindings would refuse to be sent.
    if isinstance(doc, dict) and doc.get("Findings") == []:
        return []
    model = botocore.session.get_session().get_service_model("securityhub")
    shape = model.operation_model("BatchImportFindings").input_shape
    problems = []
    report = ParamValidator().validate(doc, shape)
    if report.has_errors():
        problems.extend(report.generate_report().splitlines())
    walk(doc, shape, "", problems)
    for i, finding in enumerate(doc.get("Findings", [])):
        asff_rules(finding, f"Findings[{i}]", problems)
    return problems


def main(paths):
    failed = False
    for p in paths:
        with open(p, encoding="utf-8") as f:
            doc = json.load(f)
        problems = validate(doc)
        for problem in problems:
            print(f"{p}: {problem}")
        failed = failed or bool(problems)
        if not problems:
            print(f"{p}: {len(doc.get('Findings', []))} findings valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
