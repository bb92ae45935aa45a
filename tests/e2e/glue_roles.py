"""IAM roles for Glue job runs, data quality runs and crawls in the e2e tests: a run reads and
writes with its role's permissions, so tests create a role Glue may assume with the policy they
need; and users that may use Glue but must be granted iam:PassRole on a role to hand it over."""
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


def glue_user(server, iam, name):
    """Creates user `name` allowed glue:* and s3:* (but not iam:PassRole) and returns a Glue
    client signed with its key."""
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="glue", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["glue:*", "s3:*"], "Resource": "*"}]}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return server.client("glue", key=key["AccessKeyId"], secret=key["SecretAccessKey"])


def allow_pass_role(iam, user, role_arn):
    """Lets `user` pass the role `role_arn`."""
    iam.put_user_policy(UserName=user, PolicyName="pass", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": role_arn}]}))
