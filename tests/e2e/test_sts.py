"""STS: caller identity, role sessions and session tokens, honoured and refused."""
import json
import sqlite3
import time
import unittest

import harness


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class StsTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iam = cls.server.client("iam")
        acct = cls.server.account_id
        # A user allowed to assume one role, which may only list roles.
        cls.iam.create_user(UserName="analyst")
        cls.iam.put_user_policy(UserName="analyst", PolicyName="assume", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "sts:AssumeRole",
             "Resource": "arn:aws:iam::%s:role/Reader" % acct}))
        key = cls.iam.create_access_key(UserName="analyst")["AccessKey"]
        cls.analyst = (key["AccessKeyId"], key["SecretAccessKey"])
        cls.iam.create_role(RoleName="Reader", AssumeRolePolicyDocument=policy(
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:user/analyst" % acct},
             "Action": "sts:AssumeRole"}))
        cls.iam.put_role_policy(RoleName="Reader", PolicyName="list", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}))
        cls.iam.create_role(RoleName="Untrusting", AssumeRolePolicyDocument=policy(
            {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
             "Action": "sts:AssumeRole"}))

    def assume(self, role="Reader", **kwargs):
        sts = self.server.client("sts", key=self.analyst[0], secret=self.analyst[1])
        return sts.assume_role(RoleArn="arn:aws:iam::%s:role/%s" % (self.server.account_id, role),
                               RoleSessionName="s1", **kwargs)

    def session_client(self, service, creds):
        return self.server.client(service, key=creds["AccessKeyId"],
                                  secret=creds["SecretAccessKey"], token=creds["SessionToken"])

    def test_assume_role_and_act_as_it(self):
        out = self.assume(DurationSeconds=900)
        creds = out["Credentials"]
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        self.assertEqual(out["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::%s:assumed-role/Reader/s1" % self.server.account_id)
        ident = self.session_client("sts", creds).get_caller_identity()
        self.assertEqual(ident["Arn"], out["AssumedRoleUser"]["Arn"])
        self.assertTrue(ident["UserId"].startswith("AROA") and ident["UserId"].endswith(":s1"))
        iam_role = self.session_client("iam", creds)
        self.assertIn("Reader", [r["RoleName"] for r in iam_role.list_roles()["Roles"]])
        self.assertAwsError("AccessDenied", iam_role.list_users)

    def test_session_policy_narrows_the_role(self):
        creds = self.assume(Policy=policy(
            {"Effect": "Deny", "Action": "iam:ListRoles", "Resource": "*"},
            {"Effect": "Allow", "Action": "*", "Resource": "*"}))["Credentials"]
        self.assertAwsError("AccessDenied", self.session_client("iam", creds).list_roles)

    def test_trust_policy_refuses_other_principals(self):
        self.assertAwsError("AccessDenied", self.assume, role="Untrusting", status=403)

    def test_missing_or_wrong_session_token(self):
        creds = self.assume()["Credentials"]
        no_token = self.server.client("sts", key=creds["AccessKeyId"],
                                      secret=creds["SecretAccessKey"])
        self.assertAwsError("InvalidClientTokenId", no_token.get_caller_identity, status=403)
        wrong = self.server.client("sts", key=creds["AccessKeyId"],
                                   secret=creds["SecretAccessKey"], token="bogus")
        self.assertAwsError("InvalidClientTokenId", wrong.get_caller_identity, status=403)

    def test_expired_session_is_refused(self):
        creds = self.assume()["Credentials"]
        sts = self.session_client("sts", creds)
        sts.get_caller_identity()
        # Age the session past its expiry, as the clock would.
        db = sqlite3.connect(self.server.data_dir + "/meta.db")
        db.execute("UPDATE sts_sessions SET expires = ? WHERE access_key_id = ?",
                   (time.time() - 1, creds["AccessKeyId"]))
        db.commit()
        db.close()
        self.assertAwsError("ExpiredToken", sts.get_caller_identity, status=400)

    def test_get_session_token(self):
        sts = self.server.client("sts", key=self.analyst[0], secret=self.analyst[1])
        creds = sts.get_session_token(DurationSeconds=900)["Credentials"]
        ident = self.session_client("sts", creds).get_caller_identity()
        self.assertEqual(ident["Arn"], "arn:aws:iam::%s:user/analyst" % self.server.account_id)
        self.assertAwsError("ValidationError", sts.get_session_token, DurationSeconds=200000)


if __name__ == "__main__":
    unittest.main()
