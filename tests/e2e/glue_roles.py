"""IAM roles for Glue job runs and data quality runs in the e2e tests: a run reads and writes
with its role's permissions, so tests create a role Glue may assume with the policy they need."""
import json

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})

# What a role needs to run the tests' flows and rulesets over their buckets.
DATA_ACCESS = [{"Effect": "Allow", "Action": ["s3:*", "glue:*"], "Resource": "*"}]


def create_role(iam, name, statements=None):
    """Creates role `name` with an inline policy of `statements` (all data by default) and
    returns its ARN."""
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="data", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": statements or DATA_ACCESS}))
    return arn
