"""IAM through boto3 and the aws CLI: users, groups, roles, policies, and their enforcement."""
import json
import os
import subprocess
import unittest

import harness


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class IamTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iam = cls.server.client("iam")

    def user_client(self, service, user, inline_policy=None):
        self.iam.create_user(UserName=user)
        if inline_policy:
            self.iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=inline_policy)
        key = self.iam.create_access_key(UserName=user)["AccessKey"]
        return self.server.client(service, key=key["AccessKeyId"], secret=key["SecretAccessKey"])

    def test_root_identity(self):
        ident = self.server.client("sts").get_caller_identity()
        self.assertEqual(ident["Account"], self.server.account_id)
        self.assertEqual(ident["Arn"], "arn:aws:iam::%s:root" % self.server.account_id)

    def test_user_lifecycle_and_errors(self):
        created = self.iam.create_user(UserName="alice", Path="/team/",
                                       Tags=[{"Key": "dept", "Value": "分析"}])["User"]
        self.assertEqual(created["Arn"], "arn:aws:iam::%s:user/team/alice" % self.server.account_id)
        self.assertTrue(created["UserId"].startswith("AIDA"))
        got = self.iam.get_user(UserName="ALICE")["User"]  # names are case-insensitive
        self.assertEqual(got["UserName"], "alice")
        self.assertEqual(got["Tags"], [{"Key": "dept", "Value": "分析"}])
        self.assertAwsError("EntityAlreadyExists", self.iam.create_user, UserName="Alice",
                            status=409)
        self.assertAwsError("NoSuchEntity", self.iam.get_user, UserName="nobody", status=404)
        self.iam.create_access_key(UserName="alice")
        self.assertAwsError("DeleteConflict", self.iam.delete_user, UserName="alice", status=409)
        for k in self.iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]:
            self.iam.delete_access_key(UserName="alice", AccessKeyId=k["AccessKeyId"])
        self.iam.delete_user(UserName="alice")
        self.assertAwsError("NoSuchEntity", self.iam.get_user, UserName="alice")

    def test_paging_through_users(self):
        for i in range(25):
            self.iam.create_user(UserName="page-user-%02d" % i, Path="/paging/")
        first = self.iam.list_users(PathPrefix="/paging/", MaxItems=10)
        self.assertTrue(first["IsTruncated"])
        self.assertEqual(len(first["Users"]), 10)
        names = [u["UserName"] for p in self.iam.get_paginator("list_users").paginate(
            PathPrefix="/paging/", PaginationConfig={"PageSize": 7}) for u in p["Users"]]
        self.assertEqual(names, ["page-user-%02d" % i for i in range(25)])

    def test_read_only_user_is_refused_a_write(self):
        iam_ro = self.user_client("iam", "reader", policy(
            {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"}))
        self.assertIn("reader", [u["UserName"] for u in iam_ro.list_users()["Users"]])
        err = self.assertAwsError("AccessDenied", iam_ro.create_user, UserName="mallory",
                                  status=403)
        self.assertIn("iam:CreateUser", err.response["Error"]["Message"])
        self.assertAwsError("NoSuchEntity", self.iam.get_user, UserName="mallory")

    def test_cli_read_only_user(self):
        self.iam.create_user(UserName="cli-reader")
        self.iam.put_user_policy(UserName="cli-reader", PolicyName="ro", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "iam:List*", "Resource": "*"}))
        key = self.iam.create_access_key(UserName="cli-reader")["AccessKey"]
        env = dict(os.environ, AWS_ACCESS_KEY_ID=key["AccessKeyId"],
                   AWS_SECRET_ACCESS_KEY=key["SecretAccessKey"], AWS_DEFAULT_REGION="us-east-1",
                   AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        base = ["aws", "--endpoint-url", self.server.endpoint, "--output", "json", "iam"]
        ok = subprocess.run(base + ["list-users"], env=env, capture_output=True, text=True)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertIn("cli-reader", [u["UserName"] for u in json.loads(ok.stdout)["Users"]])
        denied = subprocess.run(base + ["create-user", "--user-name", "x"], env=env,
                                capture_output=True, text=True)
        self.assertNotEqual(denied.returncode, 0)
        self.assertIn("AccessDenied", denied.stderr)

    def test_explicit_deny_in_managed_policy_beats_inline_allow(self):
        arn = self.iam.create_policy(PolicyName="deny-delete", PolicyDocument=policy(
            {"Effect": "Deny", "Action": "iam:DeleteGroup", "Resource": "*"}))["Policy"]["Arn"]
        iam_admin = self.user_client("iam", "almost-admin", policy(
            {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}))
        self.iam.attach_user_policy(UserName="almost-admin", PolicyArn=arn)
        iam_admin.create_group(GroupName="g-deny")
        self.assertAwsError("AccessDenied", iam_admin.delete_group, GroupName="g-deny")
        self.iam.detach_user_policy(UserName="almost-admin", PolicyArn=arn)
        iam_admin.delete_group(GroupName="g-deny")  # allowed once the deny is gone

    def test_group_policies_apply_to_members(self):
        iam_member = self.user_client("iam", "member")
        self.assertAwsError("AccessDenied", iam_member.list_roles)
        self.iam.create_group(GroupName="role-readers")
        self.iam.put_group_policy(GroupName="role-readers", PolicyName="p", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}))
        self.iam.add_user_to_group(GroupName="role-readers", UserName="member")
        iam_member.list_roles()
        members = self.iam.get_group(GroupName="role-readers")["Users"]
        self.assertEqual([u["UserName"] for u in members], ["member"])

    def test_policy_variables(self):
        iam_self = self.user_client("iam", "selfish", policy(
            {"Effect": "Allow", "Action": "iam:GetUser",
             "Resource": "arn:aws:iam::*:user/${aws:username}"}))
        self.assertEqual(iam_self.get_user(UserName="selfish")["User"]["UserName"], "selfish")
        self.iam.create_user(UserName="other")
        self.assertAwsError("AccessDenied", iam_self.get_user, UserName="other")

    def test_managed_policy_versions(self):
        arn = self.iam.create_policy(PolicyName="versioned", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}))["Policy"]["Arn"]
        self.iam.create_policy_version(PolicyArn=arn, SetAsDefault=True, PolicyDocument=policy(
            {"Effect": "Allow", "Action": "iam:ListGroups", "Resource": "*"}))
        got = self.iam.get_policy(PolicyArn=arn)["Policy"]
        self.assertEqual(got["DefaultVersionId"], "v2")
        doc = self.iam.get_policy_version(PolicyArn=arn, VersionId="v2")["PolicyVersion"]["Document"]
        self.assertEqual(doc["Statement"][0]["Action"], "iam:ListGroups")  # decoded by botocore
        versions = self.iam.list_policy_versions(PolicyArn=arn)["Versions"]
        self.assertEqual(sorted(v["VersionId"] for v in versions), ["v1", "v2"])
        self.assertAwsError("DeleteConflict", self.iam.delete_policy_version, PolicyArn=arn,
                            VersionId="v2")
        iam_user = self.user_client("iam", "versioned-user")
        self.iam.attach_user_policy(UserName="versioned-user", PolicyArn=arn)
        iam_user.list_groups()
        self.assertAwsError("AccessDenied", iam_user.list_users)

    def test_aws_managed_policy(self):
        iam_admin = self.user_client("iam", "admin")
        self.iam.attach_user_policy(UserName="admin",
                                    PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        iam_admin.create_user(UserName="made-by-admin")
        attached = self.iam.list_attached_user_policies(UserName="admin")["AttachedPolicies"]
        self.assertEqual(attached, [{"PolicyName": "AdministratorAccess",
                                     "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}])

    def test_malformed_policy_is_refused(self):
        self.iam.create_user(UserName="bad-policy")
        self.assertAwsError("MalformedPolicyDocument", self.iam.put_user_policy,
                            UserName="bad-policy", PolicyName="p",
                            PolicyDocument='{"Version":"2012-10-17","Statement":[{"Action":"*"}]}')
        self.assertEqual(self.iam.list_user_policies(UserName="bad-policy")["PolicyNames"], [])

    def test_roles(self):
        trust = policy({"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
                        "Action": "sts:AssumeRole"})
        role = self.iam.create_role(RoleName="SageMakerExecution", AssumeRolePolicyDocument=trust,
                                    Description="Ex\u00e9cution role")["Role"]
        self.assertEqual(role["Arn"],
                         "arn:aws:iam::%s:role/SageMakerExecution" % self.server.account_id)
        got = self.iam.get_role(RoleName="SageMakerExecution")["Role"]
        self.assertEqual(got["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
                         {"Service": "sagemaker.amazonaws.com"})
        self.assertEqual(got["Description"], "Ex\u00e9cution role")
        self.iam.put_role_policy(RoleName="SageMakerExecution", PolicyName="s3",
                                 PolicyDocument=policy({"Effect": "Allow", "Action": "s3:*",
                                                        "Resource": "*"}))
        self.assertAwsError("DeleteConflict", self.iam.delete_role, RoleName="SageMakerExecution")
        self.iam.delete_role_policy(RoleName="SageMakerExecution", PolicyName="s3")
        self.iam.delete_role(RoleName="SageMakerExecution")
        # IAM role descriptions are Latin-1 only, as in AWS.
        self.assertAwsError("ValidationError", self.iam.create_role, RoleName="Other",
                            AssumeRolePolicyDocument=trust, Description="実行ロール", status=400)


if __name__ == "__main__":
    unittest.main()
